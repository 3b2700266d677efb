#pragma once
// typenet: neural networks written as types. This umbrella header brings in the whole library.

#include <typenet/core/error.hpp>
#include <typenet/core/model.hpp>
#include <typenet/core/network.hpp>
#include <typenet/core/rng.hpp>
#include <typenet/core/shape.hpp>
#include <typenet/core/threads.hpp>
#include <typenet/data/dataset.hpp>
#include <typenet/data/fashion_mnist.hpp>
#include <typenet/data/idx.hpp>
#include <typenet/data/split.hpp>
#include <typenet/diagnostics/gradient_check.hpp>
#include <typenet/init/initializers.hpp>
#include <typenet/layers/activations.hpp>
#include <typenet/layers/dense.hpp>
#include <typenet/layers/input.hpp>
#include <typenet/layers/losses.hpp>
#include <typenet/optim/sgd.hpp>
#include <typenet/train/evaluate.hpp>
#include <typenet/train/fit.hpp>
#include <typenet/train/metrics.hpp>
