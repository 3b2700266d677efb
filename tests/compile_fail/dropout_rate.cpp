// Dropout<1.5>: a rate must be at least 0 and below 1.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<784>, typenet::Dense<784, 100, typenet::He>, typenet::ReLU, typenet::Dropout<typenet::real{1.5e+0}>, typenet::Dense<100, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::dropout_rate_must_be_at_least_0_and_below_1<typenet::at_layer<4>, typenet::Dropout<typenet::real{1.5e+0}> >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::dropout_rate_must_be_at_least_0_and_below_1<typenet::at_layer<4>, typenet::Dropout<real{1.500000e+00}>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::ReLU, typenet::Dropout<1.5>,
                             typenet::Dense<100, 10>, typenet::SoftmaxCrossEntropy> {};
