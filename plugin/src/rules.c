/* rules.c — the engine and its taggers: rule loading, the sandbox, budgets. */
#include "rules.h"

#include <dirent.h>
#include <errno.h>
#include <lauxlib.h>
#include <limits.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "util.h"

#define HOOK_EVERY 1000
#define LOAD_MEMORY ((size_t)1 << 30)

/* ---- engine ---------------------------------------------------------- */

static char *find_lua_dir(const char *given) {
  return given ? ng_strdup(given) : ng_find_data_dir("NUTGRAF_LUA_DIR", "lua", "rules");
}

static int add_root(ng_engine *e, const char *dir) {
  char *r = realpath(dir, NULL);
  if (!r)
    return 0; /* a missing directory holds nothing to read */
  for (size_t i = 0; i < e->nroots; i++)
    if (strcmp(e->roots[i], r) == 0) {
      free(r);
      return 0;
    }
  char **nr = ng_realloc(e->roots, (e->nroots + 1) * sizeof *nr);
  if (!nr) {
    free(r);
    return -1;
  }
  e->roots = nr;
  e->roots[e->nroots++] = r;
  return 0;
}

ng_engine *ng_engine_new(const ng_engine_options *opts, ng_error *err) {
  ng_engine *e = ng_calloc(1, sizeof *e);
  if (!e) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return NULL;
  }
  pthread_mutex_init(&e->mu, NULL);
  e->budget = opts && opts->instruction_budget ? opts->instruction_budget : NG_DEFAULT_BUDGET;
  e->memory_limit = opts && opts->memory_limit ? opts->memory_limit : NG_DEFAULT_MEMORY;
  e->lua_dir = find_lua_dir(opts ? opts->lua_dir : NULL);
  if (!e->lua_dir || add_root(e, e->lua_dir) < 0) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    ng_engine_free(e);
    return NULL;
  }
  return e;
}

void ng_engine_free(ng_engine *e) {
  if (!e)
    return;
  for (size_t i = 0; i < e->nrules; i++) {
    free(e->rules[i].path);
    free(e->rules[i].display);
    free(e->rules[i].src);
  }
  free(e->rules);
  for (size_t i = 0; i < e->nroots; i++)
    free(e->roots[i]);
  free(e->roots);
  for (size_t i = 0; i < e->ngaz; i++) {
    free(e->gaz[i].key);
    ng_gazetteer_free(e->gaz[i].g);
  }
  free(e->gaz);
  free(e->data_seen);
  free(e->lua_dir);
  pthread_mutex_destroy(&e->mu);
  free(e);
}

static int add_rule_file(ng_engine *e, const char *path, ng_error *err) {
  char *src;
  size_t len;
  if (ng_read_file(path, (size_t)16 << 20, &src, &len, err) < 0)
    return -1;
  char *real = realpath(path, NULL);
  ng_rule_file *nr = ng_realloc(e->rules, (e->nrules + 1) * sizeof *nr);
  char *display = ng_strdup(path);
  if (!real || !nr || !display) {
    free(src);
    free(real);
    free(display);
    if (nr)
      e->rules = nr;
    ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    return -1;
  }
  e->rules = nr;
  e->rules[e->nrules++] = (ng_rule_file){real, display, src, len};
  char *slash = strrchr(real, '/');
  if (slash) {
    *slash = '\0';
    int rc = add_root(e, real);
    *slash = '/';
    if (rc < 0) {
      ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory");
      return -1;
    }
  }
  return 0;
}

static int name_cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

int ng_engine_add_rules(ng_engine *e, const char *path, ng_error *err) {
  struct stat st;
  if (stat(path, &st) < 0) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "rules not found: %s", strerror(errno));
    return -1;
  }
  if (!S_ISDIR(st.st_mode))
    return add_rule_file(e, path, err);
  DIR *d = opendir(path);
  if (!d) {
    ng_error_set(err, NG_ERR_IO, path, 0, 0, "cannot read directory: %s", strerror(errno));
    return -1;
  }
  char **names = NULL;
  size_t n = 0;
  struct dirent *de;
  int rc = 0;
  while ((de = readdir(d))) {
    size_t l = strlen(de->d_name);
    if (de->d_name[0] == '.' || l < 5 || strcmp(de->d_name + l - 4, ".lua") != 0)
      continue;
    char **nn = ng_realloc(names, (n + 1) * sizeof *nn);
    if (!nn || !(nn[n] = ng_path_join(path, de->d_name))) {
      if (nn)
        names = nn;
      rc = -1;
      break;
    }
    names = nn;
    n++;
  }
  closedir(d);
  if (rc < 0)
    ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory");
  if (n > 1)
    qsort(names, n, sizeof *names, name_cmp);
  for (size_t i = 0; i < n && rc == 0; i++) {
    struct stat fs;
    if (stat(names[i], &fs) == 0 && S_ISREG(fs.st_mode))
      rc = add_rule_file(e, names[i], err);
  }
  for (size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
  /* The directory itself is a data root even when it holds no rule yet. */
  if (rc == 0 && add_root(e, path) < 0) {
    ng_error_set(err, NG_ERR_NOMEM, path, 0, 0, "out of memory");
    rc = -1;
  }
  return rc;
}

int ng_engine_add_default_rules(ng_engine *e, ng_error *err) {
  char *dir = ng_path_join(e->lua_dir, "rules");
  if (!dir) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return -1;
  }
  int rc = ng_engine_add_rules(e, dir, err);
  free(dir);
  return rc;
}

uint64_t ng_engine_rules_hash(const ng_engine *e) {
  XXH3_state_t *st = XXH3_createState();
  if (!st)
    return 0;
  XXH3_64bits_reset(st);
  for (size_t i = 0; i < e->nrules; i++) {
    /* The file name, not the path: `build site` and `build /abs/site`
     * load the same rules. */
    const char *base = strrchr(e->rules[i].display, '/');
    base = base ? base + 1 : e->rules[i].display;
    XXH3_64bits_update(st, base, strlen(base) + 1);
    XXH3_64bits_update(st, e->rules[i].src, e->rules[i].len);
  }
  uint64_t h = XXH3_64bits_digest(st);
  XXH3_freeState(st);
  pthread_mutex_lock((pthread_mutex_t *)&e->mu);
  h ^= e->hash_data;
  pthread_mutex_unlock((pthread_mutex_t *)&e->mu);
  return h;
}

/* Fold a data file's hash in once, however many taggers read it (xor-ing
 * it in per tagger made the hash depend on the thread count). Called with
 * e->mu held. */
static void note_hash_locked(ng_engine *e, uint64_t h) {
  for (size_t i = 0; i < e->ndata_seen; i++)
    if (e->data_seen[i] == h)
      return;
  uint64_t *nv = ng_realloc(e->data_seen, (e->ndata_seen + 1) * sizeof *nv);
  if (nv) {
    e->data_seen = nv;
    e->data_seen[e->ndata_seen++] = h;
  }
  e->hash_data ^= h * 0x9E3779B97F4A7C15ULL + 1;
}

void ng_rules_note_data(ng_tagger *t, const char *data, size_t len) {
  uint64_t h = XXH3_64bits(data, len);
  pthread_mutex_lock(&t->e->mu);
  note_hash_locked(t->e, h);
  pthread_mutex_unlock(&t->e->mu);
}

ng_gazetteer *ng_rules_gazetteer(ng_tagger *t, const char *real, int flags,
                                 const char *default_type, ng_error *err) {
  ng_engine *e = t->e;
  char key[PATH_MAX + 96];
  snprintf(key, sizeof key, "%s|%d|%s", real, flags, default_type ? default_type : "");
  pthread_mutex_lock(&e->mu);
  for (size_t i = 0; i < e->ngaz; i++)
    if (strcmp(e->gaz[i].key, key) == 0) {
      ng_gazetteer *g = e->gaz[i].g;
      pthread_mutex_unlock(&e->mu);
      return g;
    }
  ng_gazetteer *g = ng_gazetteer_load(real, flags, default_type, err);
  ng_gaz_cached *ng = g ? ng_realloc(e->gaz, (e->ngaz + 1) * sizeof *ng) : NULL;
  char *k = ng ? ng_strdup(key) : NULL;
  if (g && (!ng || !k)) {
    if (ng)
      e->gaz = ng;
    ng_gazetteer_free(g);
    free(k);
    ng_error_set(err, NG_ERR_NOMEM, real, 0, 0, "out of memory");
    g = NULL;
  } else if (g) {
    e->gaz = ng;
    e->gaz[e->ngaz++] = (ng_gaz_cached){k, g};
    char *data;
    size_t len;
    if (ng_read_file(real, 0, &data, &len, NULL) == 0) {
      note_hash_locked(e, XXH3_64bits(data, len));
      free(data);
    }
  }
  pthread_mutex_unlock(&e->mu);
  return g;
}

/* ---- the Lua state ---------------------------------------------------- */

ng_tagger *ng_tagger_of(lua_State *L) {
  void *ud;
  lua_getallocf(L, &ud);
  return ud;
}

/* Lua allocates and frees a great many small blocks (a table and its
 * node array per token, per match...), and glibc's malloc spent ~8% of a
 * build on them. They come from the tagger's pool instead: a free-list
 * pop or push. Under AddressSanitizer the pool is off, so that a C
 * pointer kept into a collected Lua string is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define NG_USE_POOL 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define NG_USE_POOL 0
#endif
#endif
#ifndef NG_USE_POOL
#define NG_USE_POOL 1
#endif
#define POOL_SLAB ((size_t)64 << 10)

static size_t pool_class(size_t n) { return (n - 1) / NG_POOL_STEP; }

static void *block_alloc(ng_lpool *p, size_t n) {
  if (!NG_USE_POOL || n > NG_POOL_MAX)
    return malloc(n);
  size_t c = pool_class(n);
  void *b = p->free[c];
  if (b) {
    p->free[c] = *(void **)b;
    return b;
  }
  size_t sz = (c + 1) * NG_POOL_STEP;
  if ((size_t)(p->end - p->bump) < sz) {
    char *slab = malloc(POOL_SLAB);
    if (!slab)
      return NULL;
    *(void **)slab = p->slabs;
    p->slabs = slab;
    p->bump = slab + NG_POOL_STEP; /* past the link, still 16-byte aligned */
    p->end = slab + POOL_SLAB;
  }
  b = p->bump;
  p->bump += sz;
  return b;
}

static void block_free(ng_lpool *p, void *b, size_t n) {
  if (!NG_USE_POOL || n > NG_POOL_MAX) {
    free(b);
    return;
  }
  size_t c = pool_class(n);
  *(void **)b = p->free[c];
  p->free[c] = b;
}

static void pool_destroy(ng_lpool *p) {
  while (p->slabs) {
    void *next = *(void **)p->slabs;
    free(p->slabs);
    p->slabs = next;
  }
  memset(p, 0, sizeof *p);
}

/* Counting allocator: the per-article memory limit. With ptr == NULL, osize
 * is a type tag, not a size; otherwise it is the block's size (Lua always
 * passes it), which tells which pool class the block came from. */
static void *l_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
  ng_tagger *t = ud;
  size_t old = ptr ? osize : 0;
  if (nsize == 0) {
    if (ptr)
      block_free(&t->pool, ptr, old);
    t->mem_used -= old;
    return NULL;
  }
  if (nsize > old && t->mem_limit && t->mem_used - old + nsize > t->mem_limit) {
    t->mem_hit = 1;
    return NULL;
  }
  void *p;
  if (!ptr)
    p = block_alloc(&t->pool, nsize);
  else if (NG_USE_POOL && (old <= NG_POOL_MAX || nsize <= NG_POOL_MAX)) {
    if (old <= NG_POOL_MAX && nsize <= NG_POOL_MAX && pool_class(old) == pool_class(nsize))
      p = ptr; /* the block already fits */
    else if ((p = block_alloc(&t->pool, nsize)) != NULL) {
      memcpy(p, ptr, old < nsize ? old : nsize);
      block_free(&t->pool, ptr, old);
    }
  } else
    p = realloc(ptr, nsize);
  if (p)
    t->mem_used = t->mem_used - old + nsize;
  return p;
}

static void count_hook(lua_State *L, lua_Debug *ar);

static void budget_exceeded(lua_State *L, ng_tagger *t) {
  t->budget_hit = 1;
  /* An error raised in a hook leaves hooks off in this thread for good;
   * mark a coroutine so that nothing runs its __close handlers later. */
  if (!lua_pushthread(L))
    *(void **)lua_getextraspace(L) = t;
  lua_pop(L, 1);
  /* Fire on every instruction from now on: a pcall in the rule cannot
   * swallow the error and carry on. */
  lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
  lua_Debug d;
  int level = 0, found = 0;
  /* From a hook, level 0 is the rule; from C (pattern matching), a caller. */
  while (!found && level < 4 && lua_getstack(L, level++, &d))
    found = lua_getinfo(L, "Sl", &d) && d.currentline > 0;
  if (found)
    lua_pushfstring(L, "%s:%d: ", d.short_src, d.currentline);
  else
    lua_pushliteral(L, "");
  lua_pushfstring(L,
                  "rule ran past its instruction budget of %d million (limits.instruction_budget)",
                  (int)(t->budget / 1000000));
  lua_concat(L, 2);
  lua_error(L);
}

static void count_hook(lua_State *L, lua_Debug *ar) {
  (void)ar;
  ng_tagger *t = ng_tagger_of(L);
  t->steps += HOOK_EVERY;
  /* Remember where the rule is: memory errors reach us without a message
   * handler call, so this is the best line we will have for them. */
  lua_Debug w;
  if (lua_getstack(L, 0, &w) && lua_getinfo(L, "Sl", &w) && w.currentline > 0 &&
      w.source[0] == '@') {
    snprintf(t->hook_src, sizeof t->hook_src, "%s", w.source + 1);
    t->hook_line = w.currentline;
  }
  if (t->budget && t->steps > t->budget)
    budget_exceeded(L, t);
}

void ng_rules_charge(lua_State *L, unsigned long units) {
  ng_tagger *t = ng_tagger_of(L);
  t->steps += units;
  if (t->budget && t->steps > t->budget)
    budget_exceeded(L, t);
}

/* Message handler: remember where in a Lua file the error happened (first
 * Lua frame), and turn any error value into a string with a traceback. */
static int msgh(lua_State *L) {
  ng_tagger *t = ng_tagger_of(L);
  lua_Debug d;
  t->err_src[0] = '\0';
  t->err_line = 0;
  for (int level = 1; lua_getstack(L, level, &d); level++) {
    if (lua_getinfo(L, "Sl", &d) && d.currentline > 0 && d.source[0] == '@') {
      snprintf(t->err_src, sizeof t->err_src, "%s", d.source + 1);
      t->err_line = d.currentline;
      break;
    }
  }
  const char *msg = lua_tostring(L, 1);
  if (!msg) {
    if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
      msg = lua_tostring(L, -1);
    else
      msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
  }
  luaL_traceback(L, L, msg, 1);
  return 1;
}

static int l_print(lua_State *L) {
  ng_tagger *t = ng_tagger_of(L);
  int n = lua_gettop(L);
  luaL_Buffer b;
  luaL_buffinit(L, &b);
  for (int i = 1; i <= n; i++) {
    size_t len;
    const char *s = luaL_tolstring(L, i, &len);
    luaL_addvalue(&b);
    (void)s;
    (void)len;
    if (i < n)
      luaL_addchar(&b, '\t');
  }
  luaL_pushresult(&b);
  fprintf(stderr, "%s: %s\n", t->rule_name ? t->rule_name : "rule", lua_tostring(L, -1));
  return 0;
}

static int deny_newindex(lua_State *L) {
  if (lua_type(L, 2) == LUA_TSTRING)
    return luaL_error(L, "cannot assign to '%s': nutgraf's libraries are read-only",
                      lua_tostring(L, 2));
  return luaL_error(L, "nutgraf's libraries are read-only");
}

static int l_next(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_settop(L, 2);
  if (lua_next(L, 1))
    return 2;
  lua_pushnil(L);
  return 1;
}

static int pairs_of_target(lua_State *L) {
  lua_pushcfunction(L, l_next);
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_pushnil(L);
  return 3;
}

/* Replace the table at idx by a read-only proxy for it (pushed). */
static void push_proxy(lua_State *L, int idx) {
  idx = lua_absindex(L, idx);
  lua_newtable(L);          /* proxy */
  lua_createtable(L, 0, 4); /* its metatable */
  lua_pushvalue(L, idx);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, deny_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushvalue(L, idx);
  lua_pushcclosure(L, pairs_of_target, 1);
  lua_setfield(L, -2, "__pairs");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

static int env_index(lua_State *L) {
  /* upvalue 1: the safe globals */
  lua_pushvalue(L, 2);
  lua_rawget(L, lua_upvalueindex(1));
  if (lua_isnil(L, -1) && lua_type(L, 2) == LUA_TSTRING)
    return luaL_error(L, "undeclared global '%s'", lua_tostring(L, 2));
  return 1;
}

static int env_newindex(lua_State *L) {
  return luaL_error(L, "assignment to undeclared global '%s' (declare it local)",
                    lua_type(L, 2) == LUA_TSTRING ? lua_tostring(L, 2) : "?");
}

/* Push a fresh environment for one chunk: reads fall through to the safe
 * globals, unknown names and new globals are errors. */
static void push_env(lua_State *L) {
  lua_newtable(L);
  lua_createtable(L, 0, 3);
  lua_getfield(L, LUA_REGISTRYINDEX, "ng.safe");
  lua_pushcclosure(L, env_index, 1);
  lua_setfield(L, -2, "__index");
  lua_pushcfunction(L, env_newindex);
  lua_setfield(L, -2, "__newindex");
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_setmetatable(L, -2);
}

/* Directory of the Lua chunk `level` frames up ("" if not a file). */
static void caller_dir(lua_State *L, char *out, size_t cap) {
  lua_Debug d;
  out[0] = '\0';
  for (int level = 1; lua_getstack(L, level, &d); level++) {
    if (lua_getinfo(L, "S", &d) && d.source[0] == '@') {
      snprintf(out, cap, "%s", d.source + 1);
      char *slash = strrchr(out, '/');
      if (slash)
        *slash = '\0';
      else
        snprintf(out, cap, ".");
      return;
    }
  }
}

char *ng_rules_resolve(lua_State *L, ng_tagger *t, const char *path) {
  char joined[PATH_MAX * 2];
  if (path[0] == '/')
    snprintf(joined, sizeof joined, "%s", path);
  else {
    char dir[PATH_MAX];
    caller_dir(L, dir, sizeof dir);
    snprintf(joined, sizeof joined, "%s/%s", dir[0] ? dir : ".", path);
  }
  char *real = realpath(joined, NULL);
  if (!real) {
    luaL_error(L, "cannot open '%s': %s", path, strerror(errno));
    return NULL;
  }
  for (size_t i = 0; i < t->e->nroots; i++) {
    size_t n = strlen(t->e->roots[i]);
    if (strncmp(real, t->e->roots[i], n) == 0 && (real[n] == '/' || real[n] == '\0'))
      return real;
  }
  free(real);
  luaL_error(L, "'%s' is outside the rule directories; rules may only read files beside them",
             path);
  return NULL;
}

/* Load a Lua file as text with its own sandboxed environment; push its
 * result. Raises on error. */
static void load_chunk(lua_State *L, const char *src, size_t len, const char *display) {
  char name[PATH_MAX + 2];
  snprintf(name, sizeof name, "@%s", display);
  if (luaL_loadbufferx(L, src, len, name, "t") != LUA_OK)
    lua_error(L);
  push_env(L);
  lua_setupvalue(L, -2, 1);
  lua_call(L, 0, 1);
}

/* require(name): modules beside the calling rule, then lua/runtime/. */
static int l_require(lua_State *L) {
  ng_tagger *t = ng_tagger_of(L);
  const char *name = luaL_checkstring(L, 1);
  if (strcmp(name, "nutgraf") == 0) {
    lua_getfield(L, LUA_REGISTRYINDEX, "ng.safe");
    lua_getfield(L, -1, "nutgraf");
    return 1;
  }
  for (const char *p = name; *p; p++)
    if (!(*p == '.' || *p == '_' || *p == '-' || (*p >= 'a' && *p <= 'z') ||
          (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
      return luaL_argerror(L, 1, "module names are letters, digits, '_', '-' and '.'");
  char rel[512];
  snprintf(rel, sizeof rel, "%s", name);
  for (char *p = rel; *p; p++)
    if (*p == '.')
      *p = '/';
  char dir[PATH_MAX], cand[2][PATH_MAX * 2];
  caller_dir(L, dir, sizeof dir);
  snprintf(cand[0], sizeof cand[0], "%s/%s.lua", dir[0] ? dir : ".", rel);
  snprintf(cand[1], sizeof cand[1], "%s/runtime/%s.lua", t->e->lua_dir, rel);
  for (int i = 0; i < 2; i++) {
    char *real = realpath(cand[i], NULL);
    if (!real)
      continue;
    int inside = 0;
    for (size_t r = 0; r < t->e->nroots; r++) {
      size_t n = strlen(t->e->roots[r]);
      if (strncmp(real, t->e->roots[r], n) == 0 && real[n] == '/')
        inside = 1;
    }
    if (!inside) {
      free(real);
      continue;
    }
    lua_getfield(L, LUA_REGISTRYINDEX, "ng.loaded");
    if (lua_getfield(L, -1, real) != LUA_TNIL) {
      free(real);
      return 1;
    }
    lua_pop(L, 1);
    char *src;
    size_t len;
    ng_error err;
    if (ng_read_file(real, (size_t)16 << 20, &src, &len, &err) < 0) {
      free(real);
      return luaL_error(L, "require '%s': %s", name, err.message);
    }
    ng_rules_note_data(t, src, len);
    lua_pushstring(L, real);
    free(real);
    /* Load under the path the user would recognise. */
    load_chunk(L, src, len, i == 0 ? cand[0] : cand[1]);
    free(src);
    if (lua_isnil(L, -1)) {
      lua_pop(L, 1);
      lua_pushboolean(L, 1);
    }
    lua_pushvalue(L, -1);
    lua_insert(L, -3);   /* result, key, result */
    lua_settable(L, -4); /* loaded[key] = result */
    return 1;
  }
  return luaL_error(L, "module '%s' not found beside the rule or in %s/runtime", name,
                    t->e->lua_dir);
}

/* xpcall that never runs the rule's handler for a budget or memory error.
 * Lua calls a message handler for an error raised in a hook with hooks
 * still off, so `xpcall(f, function() while true do end end)` would escape
 * the budget; here f runs under a plain pcall and the handler is called
 * after the fact (with hooks on), and budget errors go straight through. */
static int xpcall_done(lua_State *L, int status, lua_KContext base) {
  ng_tagger *t = ng_tagger_of(L);
  if (status == LUA_OK || status == LUA_YIELD) {
    lua_pushboolean(L, 1);
    lua_insert(L, (int)base);
    return lua_gettop(L) - (int)base + 1;
  }
  if (t->budget_hit || (status == LUA_ERRMEM && t->mem_hit))
    return lua_error(L);
  lua_pushvalue(L, 2); /* handler(err) */
  lua_insert(L, -2);
  if (lua_pcall(L, 1, 1, 0) != LUA_OK && t->budget_hit)
    return lua_error(L);
  lua_pushboolean(L, 0);
  lua_insert(L, -2);
  return 2;
}

static int l_xpcall(lua_State *L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 1); /* f, handler, f, args... */
  return xpcall_done(L, lua_pcallk(L, n - 2, LUA_MULTRET, 0, 3, xpcall_done), 3);
}

/* A coroutine stopped by the budget has hooks off for good (the error was
 * raised inside the count hook), so closing it would run its __close
 * handlers outside the budget. The count hook marks such a thread in its
 * extra space; these two refuse to close it. */
static int stopped_by_budget(lua_State *co) { return *(void **)lua_getextraspace(co) != NULL; }

static int l_co_close(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTHREAD);
  if (stopped_by_budget(lua_tothread(L, 1)))
    return luaL_error(L, "cannot close a coroutine stopped by the instruction budget "
                         "(limits.instruction_budget)");
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

static int close_thread(lua_State *co, lua_State *from) {
#if LUA_VERSION_RELEASE_NUM >= 50406
  return lua_closethread(co, from);
#else
  (void)from;
  return lua_resetthread(co);
#endif
}

/* coroutine.wrap's function; upvalue 1: the coroutine. Like Lua's own, it
 * closes the coroutine after an error, except one stopped by the budget. */
static int wrapped_resume(lua_State *L) {
  lua_State *co = lua_tothread(L, lua_upvalueindex(1));
  int narg = lua_gettop(L), nres;
  if (lua_status(co) == LUA_OK && lua_gettop(co) == 0)
    return luaL_error(L, "cannot resume dead coroutine");
  if (!lua_checkstack(co, narg + 1))
    return luaL_error(L, "too many arguments to resume");
  lua_xmove(L, co, narg);
  int status = lua_resume(co, L, narg, &nres);
  if (status == LUA_OK || status == LUA_YIELD) {
    if (!lua_checkstack(L, nres + 1)) {
      lua_pop(co, nres);
      return luaL_error(L, "too many results to resume");
    }
    lua_xmove(co, L, nres);
    return nres;
  }
  lua_xmove(co, L, 1); /* the error object */
  if (!stopped_by_budget(co) && close_thread(co, L) != LUA_OK) {
    lua_pop(L, 1);
    lua_xmove(co, L, 1); /* an error in a __close handler replaces it */
  }
  if (lua_type(L, -1) == LUA_TSTRING) {
    luaL_where(L, 1);
    lua_insert(L, -2);
    lua_concat(L, 2);
  }
  return lua_error(L);
}

static int l_co_wrap(lua_State *L) {
  luaL_checktype(L, 1, LUA_TFUNCTION);
  lua_State *co = lua_newthread(L);
  lua_pushvalue(L, 1);
  lua_xmove(L, co, 1);
  lua_pushcclosure(L, wrapped_resume, 1);
  return 1;
}

/* setmetatable without finalizers: Lua runs __gc with hooks off, so a
 * looping finalizer would escape the instruction budget. (Adding __gc to
 * the metatable later does not make an object finalizable.) */
static int l_setmetatable(lua_State *L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL)
      return luaL_error(L, "__gc metamethods are not allowed in rules");
    lua_pop(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

static void copy_field(lua_State *L, int from, int to, const char *name) {
  from = lua_absindex(L, from);
  to = lua_absindex(L, to);
  lua_getfield(L, from, name);
  lua_setfield(L, to, name);
}

/* Build the safe globals by allow-listing, freeze them, keep them in the
 * registry as "ng.safe". */
static void build_sandbox(lua_State *L) {
  luaL_requiref(L, "_G", luaopen_base, 0);
  int G = lua_gettop(L);
  lua_newtable(L);
  int safe = lua_gettop(L);
  static const char *base[] = {"assert",       "error",    "ipairs",   "next",     "pairs",
                               "pcall",        "select",   "tonumber", "tostring", "type",
                               "xpcall",       "rawequal", "rawlen",   "rawget",   "setmetatable",
                               "getmetatable", "_VERSION"};
  for (size_t i = 0; i < sizeof base / sizeof *base; i++)
    copy_field(L, G, safe, base[i]);
  lua_pushcfunction(L, l_xpcall);
  lua_setfield(L, safe, "xpcall");
  lua_getfield(L, G, "setmetatable");
  lua_pushcclosure(L, l_setmetatable, 1);
  lua_setfield(L, safe, "setmetatable");
  lua_pushcfunction(L, l_print);
  lua_setfield(L, safe, "print");
  lua_pushcfunction(L, l_require);
  lua_setfield(L, safe, "require");

  luaL_requiref(L, "string", luaopen_string, 0);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  ng_lapi_guard_string(L); /* replaces find/match/gmatch/gsub on the table */
  /* Strings share one metatable: lock it so rules cannot reach or change it. */
  lua_pushliteral(L, "");
  lua_getmetatable(L, -1);
  lua_pushboolean(L, 0);
  lua_setfield(L, -2, "__metatable");
  lua_pop(L, 2);
  push_proxy(L, -1);
  lua_setfield(L, safe, "string");
  lua_pop(L, 1);

  static const struct {
    const char *name;
    lua_CFunction open;
  } libs[] = {{"table", luaopen_table},
              {"math", luaopen_math},
              {"utf8", luaopen_utf8},
              {"coroutine", luaopen_coroutine}};
  for (size_t i = 0; i < sizeof libs / sizeof *libs; i++) {
    luaL_requiref(L, libs[i].name, libs[i].open, 0);
    if (libs[i].open == luaopen_coroutine) {
      lua_getfield(L, -1, "close");
      lua_pushcclosure(L, l_co_close, 1);
      lua_setfield(L, -2, "close");
      lua_pushcfunction(L, l_co_wrap);
      lua_setfield(L, -2, "wrap");
    }
    push_proxy(L, -1);
    lua_setfield(L, safe, libs[i].name);
    lua_pop(L, 1);
  }
  luaL_requiref(L, "os", luaopen_os, 0);
  lua_createtable(L, 0, 3);
  copy_field(L, -2, -1, "time");
  copy_field(L, -2, -1, "date");
  copy_field(L, -2, -1, "clock");
  push_proxy(L, -1);
  lua_setfield(L, safe, "os");
  lua_pop(L, 2);

  lua_newtable(L);
  ng_lapi_open(L); /* fills the nutgraf table on top */
  push_proxy(L, -1);
  lua_setfield(L, safe, "nutgraf");
  lua_pop(L, 1);

  lua_pushvalue(L, safe);
  lua_setfield(L, LUA_REGISTRYINDEX, "ng.safe");
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "ng.loaded");
  /* Nothing in the global table itself: rules only see their environment. */
  lua_pushglobaltable(L);
  lua_pushnil(L);
  while (lua_next(L, -2)) {
    lua_pop(L, 1);
    lua_pushvalue(L, -1);
    lua_pushnil(L);
    lua_rawset(L, -4);
  }
  lua_pop(L, 1);
  lua_settop(L, G - 1);
}

static int sandbox_protected(lua_State *L) {
  build_sandbox(L);
  return 0;
}

/* Length of a leading "FILE:LINE: " in msg naming file (or, as Lua's
 * short_src does for long names, "...TAIL" of it); *line gets LINE. */
static size_t leading_location(const char *msg, const char *file, int *line) {
  const char *colon = strstr(msg, ": ");
  const char *nl = strchr(msg, '\n');
  if (!colon || (nl && nl < colon))
    return 0;
  const char *d = colon;
  while (d > msg && d[-1] >= '0' && d[-1] <= '9')
    d--;
  if (d == colon || d == msg || d[-1] != ':')
    return 0;
  size_t n = (size_t)(d - 1 - msg), fl = strlen(file);
  int same = n == fl && strncmp(msg, file, n) == 0;
  int tail = n > 3 && strncmp(msg, "...", 3) == 0 && n - 3 <= fl &&
             strncmp(msg + 3, file + fl - (n - 3), n - 3) == 0;
  if (!same && !tail)
    return 0;
  *line = atoi(d);
  return (size_t)(colon + 2 - msg);
}

static void rule_error(ng_tagger *t, ng_error *err, int code, const char *fallback_file,
                       int fallback_line, const char *article, const char *msg) {
  const char *file = t->err_src[0] ? t->err_src : fallback_file;
  int line = t->err_src[0] ? t->err_line : fallback_line;
  const char *m = msg ? msg : "unknown error";
  /* Drop a leading "file:line: " that repeats the location; a syntax error
   * (no Lua frame yet) has its line only there. */
  int at = 0;
  size_t skip = leading_location(m, file, &at);
  if (skip && (line == 0 || line == at)) {
    line = at;
    m += skip;
  }
  /* One line: the traceback after it would bury the message. */
  ng_error_set(err, code, file, line, 0, "%.*s", (int)strcspn(m, "\n"), m);
  if (err && article)
    snprintf(err->article, sizeof err->article, "%s", article);
}

static int load_rules_protected(lua_State *L) {
  ng_tagger *t = ng_tagger_of(L);
  const ng_rule_file *rf = lua_touserdata(L, 1);
  load_chunk(L, rf->src, rf->len, rf->display);
  if (!lua_istable(L, -1))
    return luaL_error(L,
                      "%s: a rule file must return a table, e.g. return { article = "
                      "function(a) ... end }",
                      rf->display);
  lua_getfield(L, -1, "article");
  if (!lua_isfunction(L, -1))
    return luaL_error(L, "%s: the returned table has no article function", rf->display);
  lua_pop(L, 1);
  if (lua_getfield(L, -1, "name") != LUA_TSTRING) {
    lua_pop(L, 1);
    const char *base = strrchr(rf->display, '/');
    base = base ? base + 1 : rf->display;
    size_t n = strlen(base);
    lua_pushlstring(L, base, n > 4 ? n - 4 : n);
    lua_setfield(L, -2, "name");
  } else
    lua_pop(L, 1);
  lua_getfield(L, LUA_REGISTRYINDEX, "ng.rules");
  lua_pushvalue(L, -2);
  lua_rawseti(L, -2, ++t->nrules);
  return 0;
}

ng_tagger *ng_tagger_new(ng_engine *e, ng_error *err) {
  ng_tagger *t = ng_calloc(1, sizeof *t);
  if (!t) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "out of memory");
    return NULL;
  }
  t->e = e;
  t->mem_limit = LOAD_MEMORY;
  t->L = lua_newstate(l_alloc, t);
  if (!t->L) {
    pool_destroy(&t->pool);
    free(t);
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "cannot create a Lua state");
    return NULL;
  }
  lua_State *L = t->L;
  /* Copied into every new coroutine: NULL means "not stopped by the budget". */
  *(void **)lua_getextraspace(L) = NULL;
  lua_gc(L, LUA_GCGEN, 0, 0);
  lua_pushcfunction(L, sandbox_protected);
  if (lua_pcall(L, 0, 0, 0) != LUA_OK) {
    ng_error_set(err, NG_ERR_NOMEM, NULL, 0, 0, "cannot build the rule sandbox: %s",
                 lua_tostring(L, -1));
    ng_tagger_free(t);
    return NULL;
  }
  lua_newtable(L);
  lua_setfield(L, LUA_REGISTRYINDEX, "ng.rules");
  /* Rules run under the budget from the first line they execute. */
  t->budget = e->budget;
  lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  for (size_t i = 0; i < e->nrules; i++) {
    t->steps = 0;
    t->budget_hit = t->mem_hit = 0;
    lua_pushcfunction(L, msgh);
    lua_pushcfunction(L, load_rules_protected);
    lua_pushlightuserdata(L, &e->rules[i]);
    int rc = lua_pcall(L, 1, 0, -3);
    if (rc != LUA_OK) {
      int code = t->budget_hit                      ? NG_ERR_BUDGET
                 : (t->mem_hit || rc == LUA_ERRMEM) ? NG_ERR_MEMORY
                                                    : NG_ERR_RULE;
      rule_error(t, err, code, e->rules[i].display, 0, NULL, lua_tostring(L, -1));
      ng_tagger_free(t);
      return NULL;
    }
    lua_pop(L, 1);
    lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  }
  lua_gc(L, LUA_GCCOLLECT);
  return t;
}

void ng_tagger_free(ng_tagger *t) {
  if (!t)
    return;
  if (t->L)
    lua_close(t->L);
  pool_destroy(&t->pool);
  free(t);
}

static int run_rules_protected(lua_State *L) {
  ng_tagger *t = ng_tagger_of(L);
  /* 1: article object */
  lua_getfield(L, LUA_REGISTRYINDEX, "ng.rules");
  for (int i = 1; i <= t->nrules; i++) {
    lua_rawgeti(L, 2, i);
    lua_getfield(L, -1, "name");
    t->rule_name = lua_tostring(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, "ng.rule_name"); /* keeps the string alive */
    lua_getfield(L, -1, "article");
    t->rule_idx = i;
    t->rule_line = 0;
    t->hook_src[0] = '\0';
    lua_Debug d;
    lua_pushvalue(L, -1);
    if (lua_getinfo(L, ">S", &d) && d.linedefined > 0)
      t->rule_line = d.linedefined;
    lua_pushvalue(L, 1);
    lua_call(L, 1, 0);
    lua_pop(L, 1);
  }
  return 0;
}

ng_tags *ng_tagger_run(ng_tagger *t, const ng_article *a, ng_error *err) {
  lua_State *L = t->L;
  ng_tags *tags = ng_tags_new(a);
  if (!tags) {
    ng_error_set(err, NG_ERR_NOMEM, a->path, 0, 0, "out of memory");
    return NULL;
  }
  t->steps = 0;
  t->budget_hit = t->mem_hit = 0;
  t->rule_name = NULL;
  t->rule_idx = 0;
  t->err_src[0] = '\0'; /* not the previous article's error */
  t->err_line = 0;
  t->mem_limit = t->mem_used + t->e->memory_limit;
  lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  lua_pushcfunction(L, msgh);
  int h = lua_gettop(L);
  lua_pushcfunction(L, run_rules_protected);
  ng_lapi_push_article(L, a, tags);
  int obj = lua_gettop(L);
  lua_pushvalue(L, obj);
  lua_insert(L, h); /* keep a reference below the handler to close it after */
  int rc = lua_pcall(L, 1, 0, h + 1);
  int failed = rc != LUA_OK;
  if (failed) {
    int code = t->budget_hit                      ? NG_ERR_BUDGET
               : (t->mem_hit || rc == LUA_ERRMEM) ? NG_ERR_MEMORY
                                                  : NG_ERR_RULE;
    /* Without a message handler call (memory errors skip it), name the
     * rule that was running and the last line the count hook saw in it. */
    const char *fallback = "rules";
    int fline = 0;
    if (t->rule_idx > 0 && (size_t)t->rule_idx <= t->e->nrules) {
      fallback = t->e->rules[t->rule_idx - 1].display;
      fline = strcmp(t->hook_src, fallback) == 0 ? t->hook_line : t->rule_line;
    }
    const char *msg = lua_tostring(L, -1);
    if (code == NG_ERR_MEMORY && (!msg || !strstr(msg, "limit")))
      msg = "rule ran past its memory limit (limits.memory_limit)";
    rule_error(t, err, code, fallback, fline, a->path, msg);
  } else if (ng_tags_finalize(tags) < 0) {
    failed = 1;
    ng_error_set(err, NG_ERR_NOMEM, a->path, 0, 0, "out of memory");
  }
  ng_lapi_close_article(L, h);
  lua_settop(L, h - 1);
  lua_sethook(L, count_hook, LUA_MASKCOUNT, HOOK_EVERY);
  t->mem_limit = t->mem_used + LOAD_MEMORY;
  t->rule_name = NULL;
  lua_gc(L, LUA_GCSTEP, 0);
  if (failed) {
    ng_tags_free(tags);
    return NULL;
  }
  return tags;
}

int ng_engine_drop_rule(ng_engine *e, const char *file) {
  for (size_t i = 0; i < e->nrules; i++) {
    if (strcmp(e->rules[i].display, file) != 0 && strcmp(e->rules[i].path, file) != 0)
      continue;
    free(e->rules[i].path);
    free(e->rules[i].display);
    free(e->rules[i].src);
    memmove(&e->rules[i], &e->rules[i + 1], (e->nrules - i - 1) * sizeof *e->rules);
    e->nrules--;
    return 1;
  }
  return 0;
}
