// fit keeps a reference to its validation data: a temporary would be gone before fit reads
// it, so passing one does not compile.
// expect-gcc: error: static assertion failed: typenet::fit: .validation refers to the caller's dataset, and a temporary is gone before fit reads it: keep the dataset in a variable
// expect-clang: error: static assertion failed due to requirement '!std::is_same_v<float, float>': typenet::fit: .validation refers to the caller's dataset, and a temporary is gone before fit reads it: keep the dataset in a variable
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<2>, typenet::Dense<2, 2>, typenet::SoftmaxCrossEntropy> {};

typenet::data::Dataset<float> make_data() { return {}; }

void train(typenet::Model<Net>& model, const typenet::data::Dataset<float>& data) {
    typenet::fit(model, typenet::SGD{}, data, {.validation = make_data()});
}
