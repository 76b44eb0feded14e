// OpenBLAS CBLAS, for measuring the machine's sgemm ceiling next to the encoder.
#include <cblas.h>
