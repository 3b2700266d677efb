// GroupNorm<3> over 100 features: 3 does not divide 100.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::He>, typenet::GroupNorm<3, typenet::real{1.0000000000000001e-5}>, typenet::ReLU, typenet::Dense<100, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::group_count_must_divide_width<typenet::at_layer<3>, typenet::GroupNorm<3>, typenet::groups<3>, typenet::width<100> >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::group_count_must_divide_width<typenet::at_layer<3>, typenet::GroupNorm<3>, typenet::groups<3>, typenet::width<100>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::GroupNorm<3>, typenet::ReLU,
                             typenet::Dense<100, 10>, typenet::SoftmaxCrossEntropy> {};
