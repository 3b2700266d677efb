// A loss followed by more layers: the loss must be last.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<4>, typenet::Dense<4, 3, typenet::He>, typenet::SoftmaxCrossEntropy, typenet::Dense<3, 2, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::loss_must_be_last_layer<typenet::at_layer<3>, typenet::SoftmaxCrossEntropy, typenet::followed_by<4, typenet::Dense<3, 2> > >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::loss_must_be_last_layer<typenet::at_layer<3>, typenet::SoftmaxCrossEntropy, typenet::followed_by<4, typenet::Dense<3, 2>>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<4>, typenet::Dense<4, 3>, typenet::SoftmaxCrossEntropy, typenet::Dense<3, 2>,
                             typenet::SoftmaxCrossEntropy> {};
