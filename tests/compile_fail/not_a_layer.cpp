// Swish declares a kind but no output_shape, so it does not meet the layer contract.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<4>, typenet::Dense<4, 3, typenet::He>, Swish, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::not_a_layer<typenet::at_layer<3>, Swish>'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::not_a_layer<typenet::at_layer<3>, Swish>'
#include <typenet/typenet.hpp>

struct Swish {
    static constexpr typenet::layer_kind kind = typenet::layer_kind::elementwise;
};

struct Net : typenet::Network<typenet::Input<4>, typenet::Dense<4, 3>, Swish, typenet::SoftmaxCrossEntropy> {};
