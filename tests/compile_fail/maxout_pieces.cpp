// Maxout<3> over 100 values: 3 does not divide 100.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::He>, typenet::Maxout<3>, typenet::Dense<33, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::maxout_pieces_must_divide_width<typenet::at_layer<3>, typenet::Maxout<3>, typenet::pieces<3>, typenet::width<100> >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::maxout_pieces_must_divide_width<typenet::at_layer<3>, typenet::Maxout<3>, typenet::pieces<3>, typenet::width<100>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::Maxout<3>, typenet::Dense<33, 10>,
                             typenet::SoftmaxCrossEntropy> {};
