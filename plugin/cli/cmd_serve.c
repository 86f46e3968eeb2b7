/* cmd_serve.c — `nutgraf serve`: build the site, serve a live preview of
 * what got tagged on 127.0.0.1, rebuild on every change until Ctrl-C. */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve.h"

static void on_build(const ng_build_report *rep, unsigned long gen, void *ud) {
  (void)ud;
  fprintf(stderr,
          "nutgraf: build %lu: %zu articles, %zu tagged, %zu written, %zu errors in %.2fs\n", gen,
          rep->articles, rep->tagged, rep->written, rep->errors, rep->seconds);
}

static int parse_port(const char *s, int *port) {
  char *end;
  long v = strtol(s, &end, 10);
  if (!*s || *end || v < 0 || v > 65535)
    return -1;
  *port = (int)v;
  return 0;
}

int ng_cmd_serve(int argc, char **argv) {
  ng_serve_opts o;
  memset(&o, 0, sizeof o);
  o.site_dir = ".";
  o.port = 8080;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if ((strcmp(a, "--port") == 0 || strcmp(a, "-p") == 0) && i + 1 < argc) {
      if (parse_port(argv[++i], &o.port) < 0) {
        fprintf(stderr, "nutgraf serve: --port wants 0..65535, not '%s'\n", argv[i]);
        return 2;
      }
    } else if (strncmp(a, "--port=", 7) == 0) {
      if (parse_port(a + 7, &o.port) < 0) {
        fprintf(stderr, "nutgraf serve: --port wants 0..65535, not '%s'\n", a + 7);
        return 2;
      }
    } else if (strcmp(a, "--host") == 0 && i + 1 < argc)
      o.host = argv[++i];
    else if (strncmp(a, "--host=", 7) == 0)
      o.host = a + 7;
    else if (strcmp(a, "--no-watch") == 0)
      o.no_watch = 1;
    else if (a[0] == '-') {
      fprintf(stderr, "nutgraf serve: unknown option %s\n%s", a, ng_cli_usage);
      return 2;
    } else
      o.site_dir = a;
  }
  o.diag = ng_cli_diag;
  o.on_build = on_build;
  /* Every thread the server starts inherits this mask; main waits. */
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  ng_error err;
  ng_error_clear(&err);
  ng_server *s = ng_server_start(&o, &err);
  if (!s) {
    ng_cli_diag(&err, NULL);
    return err.code == NG_ERR_USAGE ? 2 : 1;
  }
  const char *host = o.host ? o.host : "127.0.0.1";
  int v6 = strchr(host, ':') != NULL;
  fprintf(stderr, "nutgraf: serving %s at http://%s%s%s:%d/ (Ctrl-C to stop)\n", o.site_dir,
          v6 ? "[" : "", host, v6 ? "]" : "", ng_server_port(s));
  int sig = 0;
  sigwait(&set, &sig);
  fprintf(stderr, "nutgraf: stopping\n");
  ng_server_stop(s);
  return 0;
}
