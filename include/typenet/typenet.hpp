#pragma once
// typenet: neural networks written as types. This umbrella header brings in the whole library
// except the IDX readers (<typenet/data/idx.hpp>, <typenet/data/fashion_mnist.hpp>), the one
// part that needs zlib: include those yourself and link zlib (-lz, or typenet::idx in CMake).

#include <typenet/core/diagnostics.hpp>
#include <typenet/core/error.hpp>
#include <typenet/core/mode.hpp>
#include <typenet/core/loss.hpp>
#include <typenet/core/expression.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/core/shape.hpp>
#include <typenet/core/tensor.hpp>
#include <typenet/data/csv.hpp>
#include <typenet/data/dataset.hpp>
#include <typenet/data/make_dataset.hpp>
#include <typenet/data/read_limits.hpp>
#include <typenet/data/split.hpp>
#include <typenet/diagnostics/gradient_check.hpp>
#include <typenet/init/initializer.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/io/checkpoint.hpp>
#include <typenet/io/npz.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/batch_norm.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/dropout.hpp>
#include <typenet/layers/group_norm.hpp>
#include <typenet/layers/expression.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/layers/maxout.hpp>
#include <typenet/layers/prelu.hpp>
#include <typenet/layers/softmax.hpp>
#include <typenet/optim/sgd.hpp>
#include <typenet/train/evaluate.hpp>
#include <typenet/train/fit.hpp>
#include <typenet/train/metrics.hpp>
