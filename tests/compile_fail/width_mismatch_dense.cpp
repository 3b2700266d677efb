// The second Dense layer takes 50 values, but the first one gives 100.
// expect-gcc: error: invalid use of incomplete type 'struct typenet::input_width_mismatch<typenet::at_layer<3>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>, typenet::from_layer<2, typenet::Dense<784, 100> > >'
// expect-clang: error: implicit instantiation of undefined template 'typenet::input_width_mismatch<typenet::at_layer<3>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>, typenet::from_layer<2, typenet::Dense<784, 100>>>'
#include <typenet/typenet.hpp>

using Net = typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::Dense<50, 10>,
                             typenet::SoftmaxCrossEntropy>;
static_assert(Net::parameter_count > 0);
