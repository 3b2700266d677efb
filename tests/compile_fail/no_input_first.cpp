// A network that does not start with Input<N>.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Dense<784, 100, typenet::He>, typenet::ReLU, typenet::Dense<100, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::network_must_start_with_Input<typenet::at_layer<1>, typenet::Dense<784, 100> >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::network_must_start_with_Input<typenet::at_layer<1>, typenet::Dense<784, 100>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Dense<784, 100>, typenet::ReLU, typenet::Dense<100, 10>, typenet::SoftmaxCrossEntropy> {};
