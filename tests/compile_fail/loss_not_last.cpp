// A loss ends the network: nothing may follow it.
// expect-gcc: error: invalid use of incomplete type 'struct typenet::loss_must_be_last_layer<typenet::at_layer<3>, typenet::SoftmaxCrossEntropy, typenet::followed_by<4, typenet::Dense<3, 2> > >'
// expect-clang: error: implicit instantiation of undefined template 'typenet::loss_must_be_last_layer<typenet::at_layer<3>, typenet::SoftmaxCrossEntropy, typenet::followed_by<4, typenet::Dense<3, 2>>>'
#include <typenet/typenet.hpp>

using Net = typenet::Network<typenet::Input<4>, typenet::Dense<4, 3>, typenet::SoftmaxCrossEntropy, typenet::Dense<3, 2>,
                             typenet::SoftmaxCrossEntropy>;
typenet::Model<Net> model;
