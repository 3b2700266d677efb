// Dense<50, 10> follows ReLU, which passes on the 100 values of Dense<784, 100>.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::He>, typenet::ReLU, typenet::Dense<50, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::input_width_mismatch<typenet::at_layer<4>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>, typenet::from_layer<3, typenet::ReLU> >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::input_width_mismatch<typenet::at_layer<4>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>, typenet::from_layer<3, typenet::ReLU>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::ReLU, typenet::Dense<50, 10>,
                             typenet::SoftmaxCrossEntropy> {};
