/* jumpcc1: command line. gcc -B<prefix>/bin/jump runs <prefix>/bin/jumpcc1 in place of cc1
 * and gives it cc1's arguments, which are passed on untouched. */
#include "jumpcc1.h"

int main(int argc, char **argv) { return jumpcc1_run(argc, argv); }
