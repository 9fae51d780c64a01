/* loader: placeholder until the run-time loader lands. */
int __jump_loader_1;
