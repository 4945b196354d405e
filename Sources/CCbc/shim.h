// COIN-OR CBC (mixed-integer programming) and CLP (linear programming) through their C
// interfaces, from the system (Debian: coinor-libcbc-dev), for shift scheduling.
#include <coin/Cbc_C_Interface.h>
#include <coin/Clp_C_Interface.h>
