// Input<100> in the middle of a network: Input may only be first.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::He>, typenet::Input<100>, typenet::Dense<100, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::Input_must_be_first_layer_only<typenet::at_layer<3>, typenet::Input<100> >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::Input_must_be_first_layer_only<typenet::at_layer<3>, typenet::Input<100>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::Input<100>, typenet::Dense<100, 10>,
                             typenet::SoftmaxCrossEntropy> {};
