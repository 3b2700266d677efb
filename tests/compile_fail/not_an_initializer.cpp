// Dense<784, 100, ReLU>, a Keras habit: the third argument is the initialiser.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::ReLU>, typenet::Dense<100, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::not_an_initializer<typenet::at_layer<2>, typenet::Dense<784, 100, typenet::ReLU>, typenet::ReLU>'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::not_an_initializer<typenet::at_layer<2>, typenet::Dense<784, 100, typenet::ReLU>, typenet::ReLU>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::ReLU>, typenet::Dense<100, 10>,
                             typenet::SoftmaxCrossEntropy> {};
