#pragma once
// What fit records: one line per epoch, as a person reads a training run.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace typenet {

struct epoch_record {
    std::size_t epoch = 0;          // in this call of fit, counting from 1
    std::uint64_t model_epoch = 0;  // the model's epoch count after it (counted across calls of fit)
    double train_loss = 0;          // the data loss: mean over the epoch's samples, without the penalty
    double penalty = 0;             // the weight penalty's mean over the epoch's steps (0 without one);
                                    // the objective minimised is train_loss + penalty
    double train_accuracy = std::numeric_limits<double>::quiet_NaN();
    double validation_loss = std::numeric_limits<double>::quiet_NaN();  // data loss, never a penalty
    double validation_accuracy = std::numeric_limits<double>::quiet_NaN();
    double learning_rate = std::numeric_limits<double>::quiet_NaN();  // in force at the epoch's last step
    double seconds = 0;
};

struct history {
    std::vector<epoch_record> epochs;
    bool stopped = false;  // a callback stopped training before the last epoch
};

} // namespace typenet
