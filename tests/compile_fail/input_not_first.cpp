// Input<N> appears a second time, in the middle of the network.
// expect-gcc: error: invalid use of incomplete type 'struct typenet::Input_must_be_first_layer_only<typenet::at_layer<3>, typenet::Input<100> >'
// expect-clang: error: implicit instantiation of undefined template 'typenet::Input_must_be_first_layer_only<typenet::at_layer<3>, typenet::Input<100>>'
#include <typenet/typenet.hpp>

using Net = typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::Input<100>, typenet::Dense<100, 10>,
                             typenet::SoftmaxCrossEntropy>;
typenet::Model<Net> model;
