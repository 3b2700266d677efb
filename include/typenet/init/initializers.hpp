#pragma once
// Every weight initialiser, and the Initializer concept they satisfy. Each fills a
// fan_in x fan_out weight matrix (row k = input k's weights to every unit) from the model's
// seeded stream; biases are not theirs (they start at zero). docs/initializers.md lists them
// with their formulas and their PyTorch and Keras equivalents.

#include <typenet/init/basic.hpp>             // Zeros, Constant<c>, Gaussian<s>, Uniform<a>
#include <typenet/init/initializer.hpp>       // concept Initializer
#include <typenet/init/orthogonal.hpp>        // Orthogonal, ScaledOrthogonal<gain>
#include <typenet/init/sparse.hpp>            // Sparse<k>
#include <typenet/init/variance_scaling.hpp>  // VarianceScaling<...>, Xavier, Glorot, He, LeCun and uniform forms
