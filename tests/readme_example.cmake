# The README's first example must be examples/fashion_mnist_mlp.cpp, word for word.
file(READ "${README}" readme)
file(READ "${EXAMPLE}" example)
string(FIND "${readme}" "${example}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "README.md does not contain ${EXAMPLE} word for word: copy the file into its first code block")
endif()
