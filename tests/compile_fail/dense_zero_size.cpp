// Dense<0, 10>: a layer with no inputs.
// expect-gcc: error: invalid use of incomplete type 'typenet::Network<typenet::Input<784>, typenet::Dense<0, 10, typenet::He>, typenet::SoftmaxCrossEntropy>' {aka 'struct typenet::sizes_must_be_positive<typenet::at_layer<2>, typenet::Dense<0, 10> >'}
// expect-clang: error: implicit instantiation of undefined template 'typenet::sizes_must_be_positive<typenet::at_layer<2>, typenet::Dense<0, 10>>'
#include <typenet/typenet.hpp>

struct Net : typenet::Network<typenet::Input<784>, typenet::Dense<0, 10>, typenet::SoftmaxCrossEntropy> {};
