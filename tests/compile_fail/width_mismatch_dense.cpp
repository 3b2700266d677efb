// Dense<50, 10> directly after Dense<784, 100>.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::He>, typenet::Dense<50, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::input_width_mismatch<typenet::at_layer<3>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>, typenet::from_layer<2, typenet::Dense<784, 100> > >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::input_width_mismatch<typenet::at_layer<3>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>, typenet::from_layer<2, typenet::Dense<784, 100>>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::Dense<50, 10>,
                             typenet::SoftmaxCrossEntropy> {};
