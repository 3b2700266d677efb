// Activation takes an expression of x; a number is not one. One error, where the Activation is
// written, even though the network and the model use it afterwards.
// expect-max-lines: 24 (GCC 14, Clang 24: the diagnostic also shows where the Activation is instantiated)
// expect-gcc: error: invalid use of incomplete type 'struct typenet::not_an_expression_of_x<double>'
// expect-clang: error: implicit instantiation of undefined template 'typenet::not_an_expression_of_x<double>'
#include <typenet/typenet.hpp>

using Offset = typenet::Activation<2.0>;
using Net = typenet::Network<typenet::Input<4>, typenet::Dense<4, 3>, Offset, typenet::Dense<3, 2>,
                             typenet::SoftmaxCrossEntropy>;
typenet::Model<Net> model{typenet::seed{1}};
