/* rules.h — owns: the engine (the rule files in order, the directories they
 * may read data from, gazetteers shared by all workers) and taggers (one
 * sandboxed Lua 5.4 state each, with the rules loaded) that run the rules
 * over an article into an ng_tags. The Lua-facing API lives in lapi.c. */
#ifndef NG_RULES_H
#define NG_RULES_H

#include <lua.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "article.h"
#include "gazetteer.h"
#include "nutgraf.h"
#include "tags.h"

#define NG_DEFAULT_BUDGET 50000000UL
#define NG_DEFAULT_MEMORY ((size_t)64 << 20)

typedef struct ng_rule_file {
  char *path;    /* real path */
  char *display; /* as given: the chunk name in errors */
  char *src;
  size_t len;
} ng_rule_file;

typedef struct ng_gaz_cached {
  char *key; /* realpath + flags */
  ng_gazetteer *g;
} ng_gaz_cached;

struct ng_engine {
  char *lua_dir;
  unsigned long budget;
  size_t memory_limit;
  ng_rule_file *rules;
  size_t nrules;
  char **roots; /* real paths of directories rules may read from */
  size_t nroots;
  pthread_mutex_t mu; /* guards gaz and hash_data */
  ng_gaz_cached *gaz;
  size_t ngaz;
  uint64_t hash_data;  /* xor of the hashes of the distinct data files rules read */
  uint64_t *data_seen; /* their hashes: every tagger reads the same files */
  size_t ndata_seen;
};

/* Small blocks for one Lua state: per size class (16-byte steps up to
 * NG_POOL_MAX) a free list threaded through the freed blocks, carved from
 * 64 KiB slabs that live as long as the tagger. */
#define NG_POOL_MAX 512
#define NG_POOL_STEP 16
typedef struct ng_lpool {
  void *free[NG_POOL_MAX / NG_POOL_STEP];
  char *bump, *end; /* the unused rest of the newest slab */
  void *slabs;      /* every slab, linked through its first word */
} ng_lpool;

struct ng_tagger {
  ng_engine *e;
  lua_State *L;
  ng_lpool pool;
  size_t mem_used, mem_limit;
  unsigned long steps, budget;
  int budget_hit, mem_hit;
  int nrules; /* rules loaded (registry table "ng.rules") */
  char err_src[1024];
  int err_line;
  const char *rule_name; /* the rule running now */
  int rule_idx;          /* its index in ng.rules (1-based), 0 between rules */
  int rule_line;         /* the line its article function starts at */
  char hook_src[1024];   /* where the count hook last found the current rule */
  int hook_line;
};

/* Shared by lapi.c: resolve a data path relative to the calling chunk and
 * check it lies under one of the engine's roots. Returns a malloc'd real
 * path or raises a Lua error. */
char *ng_rules_resolve(lua_State *L, ng_tagger *t, const char *path);
/* Get or load a gazetteer through the engine cache (thread-safe). */
ng_gazetteer *ng_rules_gazetteer(ng_tagger *t, const char *realpath, int flags,
                                 const char *default_type, ng_error *err);
/* Note that a data file with these bytes was read (feeds the rules hash). */
void ng_rules_note_data(ng_tagger *t, const char *data, size_t len);
ng_tagger *ng_tagger_of(lua_State *L);
/* Charge work done in C (pattern matching) against the article's
 * instruction budget; raises the budget error when it runs out. */
void ng_rules_charge(lua_State *L, unsigned long units);

/* lapi.c: install the `nutgraf` module into the table on top of the stack's
 * globals, and push an article object. */
void ng_lapi_open(lua_State *L);
void ng_lapi_push_article(lua_State *L, const ng_article *a, ng_tags *tags);
void ng_lapi_close_article(lua_State *L, int idx);
/* The guarded string functions (pattern-cost checks) replace these. */
void ng_lapi_guard_string(lua_State *L);

/* Remove the rule file whose display path or real path is `file` (after it
 * failed to load, so the other rules can still run). Returns 1 if removed. */
int ng_engine_drop_rule(ng_engine *e, const char *file);
#endif
