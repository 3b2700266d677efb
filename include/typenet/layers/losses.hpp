#pragma once
// Loss layers: the last layer of a network (docs/losses.md lists them with their formulas and
// their PyTorch counterparts). The contract every loss implements (docs/layer_contract.md):
//
//   static constexpr layer_kind kind = layer_kind::loss;
//   static constexpr target_kind takes;  // labels, values, or labels_or_values (core/loss.hpp)
//   static constexpr shape output_shape(shape in);
//   template <class T, std::size_t Width>
//   static double evaluate(const T* a, std::size_t rows, targets<T> t, T* out, T* grad);
//   template <class T, std::size_t Width>
//   static void predict(const T* a, std::size_t rows, T* out);
//
// evaluate() reads the batch's outputs `a` (rows x Width), writes the network's predictions to
// `out` and, when `grad` is not null, the gradient of the MEAN loss with respect to `a`; it
// returns the SUMMED loss. Every typenet loss is a sum over the values of a row, averaged over
// the rows: PyTorch's "mean" reduction of the element-wise losses averages over rows x Width
// instead, so it is typenet's divided by Width (each header says so).
//
// Optional members, with their defaults:
//   static constexpr std::size_t label_count(std::size_t width);  // labels below it; default width
//   static constexpr target_range target_values;                  // allowed values; default any
//   template <class T, std::size_t Width>                         // correct predictions; default:
//   static std::size_t count_correct(const T* out, std::size_t rows, targets<T> t);  // argmax == label

#include <typenet/layers/losses/huber.hpp>
#include <typenet/layers/losses/mean_absolute_error.hpp>
#include <typenet/layers/losses/mean_squared_error.hpp>
#include <typenet/layers/losses/multiclass_hinge.hpp>
#include <typenet/layers/losses/sigmoid_cross_entropy.hpp>
#include <typenet/layers/losses/softmax_cross_entropy.hpp>
