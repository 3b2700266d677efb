// The harness's own check: a correct network must compile, or every other case proves nothing.
// expect: compiles
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::BatchNorm, typenet::ReLU,
                             typenet::Dropout<0.5>, typenet::Dense<100, 10>, typenet::SoftmaxCrossEntropy> {};
static_assert(Net::parameter_count == 784 * 100 + 100 + 2 * 100 + 100 * 10 + 10);
static_assert(Net::output_width == 10);
typenet::Model<Net> model;
