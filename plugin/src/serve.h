/* serve.h — owns: the preview server. Builds a site, reads the output tree
 * into a preview model, serves its pages and the site's images and other
 * static files over HTTP (libmicrohttpd, one thread per connection,
 * bounded), and rebuilds when an article, a rule, the config, a template
 * or a static file changes (inotify), telling open pages to reload
 * through Server-Sent Events. Build problems are kept and shown on every
 * page as an overlay; the server never stops for them. */
#ifndef NG_SERVE_H
#define NG_SERVE_H

#include "nutgraf.h"

typedef struct ng_server ng_server;

typedef struct ng_serve_opts {
  const char *site_dir;      /* required */
  const char *host;          /* numeric address to bind; NULL = "127.0.0.1" */
  int port;                  /* 0 = any free port (see ng_server_port) */
  const char *templates_dir; /* installed templates; NULL = ng_preview_templates_dir() */
  int no_watch;              /* 1: no inotify (rebuild only via ng_server_rebuild) */
  unsigned max_connections;  /* 0 = 1000; beyond it connections are refused */
  unsigned max_streams;      /* concurrent /_nutgraf/events clients; 0 = 256 */
  int build_flags;           /* extra ng_site_build flags (NG_BUILD_QUIET is always set) */
  ng_diag_fn diag;           /* every build problem, as it is found; may be NULL */
  /* After each build: its report and the new generation; may be NULL. */
  void (*on_build)(const ng_build_report *rep, unsigned long generation, void *ud);
  void *ud;
} ng_serve_opts;

/* Build the site, load the preview, start serving and (unless no_watch)
 * watching. Returns the server, or NULL with *err: NG_ERR_USAGE for a bad
 * host or a site directory that does not exist, NG_ERR_IO when the port
 * cannot be bound, the templates' error when nutgraf's own templates are
 * missing. A site whose build fails still starts: the problem is shown. */
ng_server *ng_server_start(const ng_serve_opts *o, ng_error *err);
/* The port actually bound. */
int ng_server_port(const ng_server *s);
/* Starts at 1, +1 per rebuild. Pages and the event stream carry it. */
unsigned long ng_server_generation(ng_server *s);
/* Rebuild now (what a file change does), from the calling thread; returns
 * ng_site_build's result. Serialized with the watcher's rebuilds. */
int ng_server_rebuild(ng_server *s);
/* Wait until the generation is past `after` (timeout_ms; 0 = no wait).
 * Returns the generation. */
unsigned long ng_server_wait(ng_server *s, unsigned long after, int timeout_ms);
/* Stop serving (open event streams end), stop watching, free. */
void ng_server_stop(ng_server *s);

#endif
