// A network starts with Input<N>, which fixes the width of a sample.
// expect-gcc: error: invalid use of incomplete type 'struct typenet::network_must_start_with_Input<typenet::at_layer<1>, typenet::Dense<784, 100> >'
// expect-clang: error: implicit instantiation of undefined template 'typenet::network_must_start_with_Input<typenet::at_layer<1>, typenet::Dense<784, 100>>'
#include <typenet/typenet.hpp>

using Net = typenet::Network<typenet::Dense<784, 100>, typenet::ReLU, typenet::Dense<100, 10>, typenet::SoftmaxCrossEntropy>;
typenet::Model<Net> model;
