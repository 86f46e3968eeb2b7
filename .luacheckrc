-- Rules run in nutgraf's sandbox: the global `nutgraf` module is provided.
std = "lua54"
read_globals = { "nutgraf" }
max_line_length = 120
