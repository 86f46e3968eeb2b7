-- People and organizations from capitalized names and the cues around them:
-- titles before a name ("Treasury Secretary Scott Bessent"), given names,
-- speech verbs ("said Chen", "Chen said"), organization head words
-- ("Riverton Transit Authority", "the University of Oxford"), acronyms
-- introduced in parentheses, and datelines ("BEIJING (Reuters) --").
local W = require("newsnames")
local given = nutgraf.words("../data/given-names.txt")
local places = nutgraf.gazetteer("../data/places.tsv", { type = "place" })

local function low(t) return t.text:lower() end

local function is_name_word(t)
  return t and t.word and t.cap and not t.digit
end

-- Every word the article also writes in lower case is a common word.
local function lower_words(toks)
  local seen = {}
  for _, t in ipairs(toks) do
    if t.word and t.lower then seen[t.text] = true end
  end
  return seen
end

-- An all-caps run (a shouting headline, a dateline) is not read as names.
local function shouting(toks, k)
  local n = 0
  for d = -2, 2 do
    local t = toks[k + d]
    if t and t.word and t.upper and #t.text > 1 then n = n + 1 end
  end
  return n >= 3
end

-- Extend a run of name words from k: capitalized words, with particles
-- ("von der", "de la") and "&" between them.
local function run_end(toks, k)
  local e = k
  while true do
    local nt = toks[e + 1]
    if is_name_word(nt) and not nt.sent_start then
      e = e + 1
    else
      local p = e + 1
      while toks[p] and toks[p].word and W.particles[low(toks[p])] and not toks[p].cap do
        p = p + 1
      end
      if p > e + 1 and is_name_word(toks[p]) then
        e = p
      else
        return e
      end
    end
  end
end

local function span_text(a, toks, s, e)
  return a.text:sub(toks[s].i, toks[e].j)
end

return {
  name = "names",
  article = function(a)
    local toks = a:tokens()
    local n = #toks
    local common = lower_words(toks)
    local blocks = a:blocks()
    local title_end = 0
    if blocks[1] and blocks[1].kind == "title" then title_end = blocks[1].j end
    local people, singles = {}, {}

    local function tag(kind, s, e, score)
      local name = span_text(a, toks, s, e)
      a:tag_entity { name = name, type = kind, i = toks[s].i, j = toks[e].j, score = score }
      if kind == "person" then people[#people + 1] = name end
      return name
    end

    -- Dateline: leading capitals of the first paragraph, before "(" or a dash.
    for _, b in ipairs(blocks) do
      if b.kind == "paragraph" then
        local caps = b.text:match("^([%u][%u%.%s,']+)%s*[%(—–-]")
        if caps then
          local place = caps:gsub(",.*$", ""):gsub("%s+$", "")
          local pretty = place:lower():gsub("(%a)([%w']*)", function(f, r) return f:upper() .. r end)
          local canon, ty = places:lookup(pretty)
          if canon and ty == "place" then
            a:tag_entity { name = canon, type = "place", i = b.i, j = b.i + #place - 1, score = 0.8 }
          end
        end
        break
      end
    end

    local k = 1
    while k <= n do
      local t = toks[k]
      if not is_name_word(t) or t.i <= title_end or shouting(toks, k) then
        k = k + 1
      else
        local s, e = k, run_end(toks, k)
        local prev = toks[s - 1]
        local cue_person = prev and prev.word and not prev.cap and W.titles[low(prev)] or false
        -- Titles inside the run: the name starts after the last of them.
        for p = s, e - 1 do
          if W.titles[low(toks[p])] then
            s = p + 1
            cue_person = true
          end
        end
        -- Sentence-initial and function words are not part of a name.
        while s <= e and not cue_person and (W.function_words[low(toks[s])] or
            (s == k and toks[s].sent_start and common[toks[s].text:lower()])) do
          s = s + 1
        end
        if s <= e and not cue_person and s < e then
          -- "State Marco Rubio": start at the first given name after other words.
          for p = s + 1, e - 1 do
            if given[toks[p].text] and not given[toks[s].text] then
              s = p
              cue_person = true
              break
            end
          end
        end
        if s <= e then
          local words = e - s + 1
          local head = low(toks[e])
          local nxt = toks[e + 1]
          local before = toks[s - 1]
          local after_word = nxt and nxt.word and low(nxt)
          local before_word = before and before.word and low(before)
          local spoke = (after_word and W.speech[after_word]) or
              (before_word and W.speech[before_word]) or
              (nxt and nxt.text == "," and toks[e + 2] and W.titles[low(toks[e + 2])])
          -- "the University of Oxford", "Ministry of Commerce"
          if W.of_heads[head] and nxt and low(nxt) == "of" then
            local q = e + 2
            if toks[q] and low(toks[q]) == "the" then q = q + 1 end
            if is_name_word(toks[q]) then
              e = run_end(toks, q)
              tag("organization", s, e, 0.8)
              k = e + 1
              goto continue
            end
          end
          if W.place_heads[head] and words >= 2 and not W.org_heads[head] then
            tag("place", s, e, 0.7)
          elseif W.org_heads[head] and words >= 2 then
            tag("organization", s, e, 0.8)
          elseif W.org_heads[head] and words == 1 and before_word == "the" and not common[toks[e].text:lower()] then
            -- a bare head word ("the Council") is too vague to tag
            local _ = 0
          elseif cue_person and words <= 4 then
            tag("person", s, e, 0.9)
          elseif words >= 2 and words <= 4 and given[toks[s].text] then
            tag("person", s, e, 0.85)
          elseif words >= 2 and words <= 4 and spoke then
            tag("person", s, e, 0.7)
          elseif words == 1 then
            singles[#singles + 1] = s
          end
        end
        k = e + 1
      end
      ::continue::
    end

    -- Acronyms introduced in parentheses: "World Trade Organization (WTO)".
    for p = 2, n - 1 do
      local t = toks[p]
      if t.upper and toks[p - 1].text == "(" and toks[p + 1].text == ")" and p >= 3 then
        local q = p - 2
        local e = q
        while q > 1 and (is_name_word(toks[q - 1]) or (toks[q - 1].word and W.particles[low(toks[q - 1])]) or
              low(toks[q - 1]) == "of" or low(toks[q - 1]) == "and" or low(toks[q - 1]) == "for") do
          q = q - 1
        end
        while q < e and (not is_name_word(toks[q]) or W.function_words[low(toks[q])]) do q = q + 1 end
        if is_name_word(toks[q]) and e > q then
          local full = span_text(a, toks, q, e)
          local known = a:entity(full)
          local kind = known and known.type or "organization"
          if kind ~= "person" then
            a:tag_entity { name = full, type = kind, i = toks[q].i, j = toks[e].j, score = 0.8 }
            a:tag_entity { name = full, type = kind, i = t.i, j = t.j, score = 0.8 }
          end
        end
      end
    end

    -- A lone capitalized word that is the first or last name of a person
    -- found above is that person ("Bessent said", "Xi").
    local parts = {}
    for _, name in ipairs(people) do
      local first, last = name:match("^(%S+)"), name:match("(%S+)$")
      parts[first] = true
      parts[last] = true
    end
    for _, s in ipairs(singles) do
      local word = toks[s].text
      if parts[word] then
        a:tag_entity { name = word, type = "person", i = toks[s].i, j = toks[s].j, score = 0.7 }
      end
    end
  end,
}
