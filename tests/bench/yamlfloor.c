/*
 * yamlfloor.c - the floor of `make bench`: parse each file named on the
 * command line into libyaml events and throw them away. No tree, no
 * rules: what reading YAML costs at least (the shared research's
 * yaml-spike measures libyaml's event parser at about 1.7x `cat`).
 */
#include <stdio.h>

#include <yaml.h>

int main(int argc, char **argv)
{
	unsigned long events = 0;

	for (int i = 1; i < argc; i++) {
		FILE *fp = fopen(argv[i], "rb");
		yaml_parser_t p;
		yaml_event_t ev;
		int done = 0;

		if (!fp)
			continue;
		yaml_parser_initialize(&p);
		yaml_parser_set_input_file(&p, fp);
		while (!done) {
			if (!yaml_parser_parse(&p, &ev))
				break;
			done = ev.type == YAML_STREAM_END_EVENT;
			yaml_event_delete(&ev);
			events++;
		}
		yaml_parser_delete(&p);
		fclose(fp);
	}
	printf("%lu\n", events);
	return 0;
}
