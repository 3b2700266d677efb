// A mistaken network declared as an alias is checked where it is first used: one error there.
// expect-gcc: error: aggregate 'typenet::Model<typenet::input_width_mismatch<typenet::at_layer<4>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>, typenet::from_layer<3, typenet::ReLU> > > model' has incomplete type and cannot be defined
// expect-clang: error: implicit instantiation of undefined template 'typenet::Model<typenet::input_width_mismatch<typenet::at_layer<4>, typenet::Dense<50, 10>, typenet::expects<50>, typenet::got<100>, typenet::from_layer<3, typenet::ReLU>>>'
#include <typenet/typenet.hpp>

using Net = typenet::Network<typenet::Input<784>, typenet::Dense<784, 100>, typenet::ReLU, typenet::Dense<50, 10>,
                             typenet::SoftmaxCrossEntropy>;
typenet::Model<Net> model;
