-- People, organizations and places from capitalized names and the cues
-- around them: titles before a name ("Treasury Secretary Scott Bessent"),
-- given names, speech verbs ("said Chen", "Chen said"), ", who" and ages,
-- organization and place head words ("Riverton Transit Authority", "Mill
-- Street Bridge"), "X of Y" / "X for Y" names, a known place leading a longer
-- name ("Miami Heat"), place cues ("in Kalamazoo", "Des Moines, Iowa"),
-- acronyms and short names ("..., known as SEPTA", "..., or CJEU,"), and
-- datelines ("CAPE TOWN, South Africa (Reuters) --").
local W = require("newsnames")
local given = nutgraf.words("../data/given-names.txt")
local places = nutgraf.gazetteer("../data/places.tsv", { type = "place" })
local orgs = nutgraf.gazetteer("../data/organizations.tsv", { type = "organization" })

local low = W.low

local function is_name_word(t)
  return t and t.word and t.cap and not (t.digit and not t.text:find("%a"))
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

local text_of -- the text of the article being read

-- Extend a run of name words from k: capitalized words, with particles
-- ("von der", "de la") and "&" between them.
local function run_end(toks, k)
  local e = k
  while true do
    local nt = toks[e + 1]
    if is_name_word(nt) and not nt.sent_start then
      e = e + 1
    elseif nt and nt.word and not nt.cap and nt.text:byte(3) == 45 -- '-'
        and W.particles[nt.text:match("^(%l+)%-%u") or ""] then
      -- "Khalil al-Hayya", "Abdel Fattah el-Sisi"
      e = e + 1
    elseif nt and nt.possessive and is_name_word(toks[e + 2]) and not toks[e + 2].sent_start
        and W.org_heads[low(toks[e + 2])] and not places:lookup(text_of:sub(toks[k].i, toks[e].j)) then
      -- (but "China's Ministry of Commerce" is the country's ministry)
      -- "Iacobucci's Hardware", "Attorney's Office"
      e = e + 2
    else
      local p = e + 1
      while toks[p] and toks[p].word and (W.particles[low(toks[p])] or toks[p].text == "&")
          and not toks[p].cap do
        p = p + 1
      end
      if toks[p] and toks[p].text == "&" then p = p + 1 end
      if p > e + 1 and is_name_word(toks[p]) then
        e = p
      else
        return e
      end
    end
  end
end

local function span_text_of(toks, s, e)
  return text_of:sub(toks[s].i, toks[e].j)
end

-- Last words of a company's name: "Kamoto Copper Company and Mutanda
-- operations" are two things, not one "X and Y" name.
local company_ends = W.set { "company", "corporation", "group", "holdings", "inc.", "inc", "corp.",
  "corp", "co.", "ltd.", "ltd", "limited", "llc", "plc" }

-- "Ministry of Science and Innovation", "Office for the Coordination of
-- Humanitarian Affairs", "Central Bank of the Republic of Türkiye".
local joiners = W.set { "of", "for", "and" }
local org_prefixes -- "FC", "AC", ...: set below
-- "Commission on Human Rights", "Council on Foreign Relations",
-- "Intergovernmental Panel on Climate Change": these heads take "on"
local on_heads = W.set { "commission", "committee", "council", "panel", "conference", "institute",
  "center", "centre", "office", "task", "force", "forum", "coalition", "alliance" }
local function joins(j, e_tok)
  return j and j.word and (joiners[low(j)] or (low(j) == "on" and on_heads[low(e_tok)]))
end
local function org_tail(toks, e)
  while true do
    local j = toks[e + 1]
    if not joins(j, toks[e]) then return e end
    local q = e + 2
    if toks[q] and low(toks[q]) == "the" then q = q + 1 end
    local our_lady = toks[q] and toks[q].text == "Our" and toks[q + 1] and toks[q + 1].text == "Lady"
    if not is_name_word(toks[q]) or toks[q].sent_start or (W.function_words[low(toks[q])] and not our_lady) then
      return e -- (but "Church of Our Lady of Compassion" is one name)
    end
    local qe = run_end(toks, q)
    if low(j) == "of" and places:lookup(span_text_of(toks, q, qe)) and not W.of_heads[low(toks[e])] then
      -- "CrossPoint Cold Storage of Atlanta": the company, then its city
      return e
    end
    if (low(j) == "for" or not W.of_heads[low(toks[e])]) and low(j) ~= "and" then
      -- two organizations: "Oakland Athletics of Major League Baseball",
      -- "National Hockey League for the St. Louis Eagles"
      local rest = span_text_of(toks, q, qe)
      local _, rty = orgs:lookup(rest)
      if rty == "organization" or W.org_heads[low(toks[qe])] or (q == qe and toks[q].upper)
          or (q < qe and toks[q].upper and org_prefixes[toks[q].text]) then -- "Super League for FC Basel"
        return e
      end
    end
    if low(j) == "and" and company_ends[low(toks[e])] then return e end
    if low(j) == "and" then
      -- only one more word of the same name: "Science and Innovation"
      local after = toks[qe + 1]
      if qe ~= q or (after and after.word and joiners[low(after)] and low(after) ~= "of") then return e end
      local _, ty = places:lookup(toks[q].text)
      if ty or given[toks[q].text] then return e end
    end
    e = qe
  end
end

local function span_text(a, toks, s, e)
  return a.text:sub(toks[s].i, toks[e].j)
end

-- Leading tokens s..p that are a known place (not a demonym): returns p.
local function place_prefix(a, toks, s, e)
  for p = math.min(e - 1, s + 3), s, -1 do
    local _, ty, kind = places:lookup(span_text(a, toks, s, p))
    if ty == "place" and kind ~= "demonym" and kind ~= "town" then return p end
  end
  return nil
end

-- Everyday English words: the topic lexicon's terms, the IPTC labels and the
-- cue lists. A capitalized run made of them ("Middle Ages", "Mountain Bikes")
-- is a title, a product or a period, not somebody's name.
local vocab = {}
local function add_words(str)
  for w in str:lower():gmatch("[%a']+") do
    if #w > 2 then vocab[w] = true end
  end
end
for _, row in ipairs(nutgraf.read_tsv("../data/topic-lexicon.tsv")) do add_words(row[1]) end
for _, row in ipairs(nutgraf.read_tsv("../data/iptc-topics.tsv")) do add_words(row[4] or "") end
for _, list in ipairs { W.titles, W.org_heads, W.place_heads, W.event_words, W.function_words } do
  for w in pairs(list) do vocab[w] = true end
end

-- Whether every word of s..e is an everyday word: after a title word such
-- words name a law or a thing, not a person ("General Data Protection
-- Regulation", "Chief Medical Officer").
local function everyday_run(toks, s, e, common)
  for p = s, e do
    local w = toks[p].text:lower()
    if not (vocab[w] or common[w]) then return false end
  end
  return true
end

-- First words of things that are not people: storms, operations, programs.
local not_person_starts = W.set {
  "typhoon", "hurricane", "cyclone", "storm", "tropical", "operation", "project", "lake",
  "mount", "fort", "port", "cape", "st.", "saint", "san", "santa", "los", "las", "hotel",
}

-- Possessive words: what follows belongs to someone ("his ERA"), it is no organization.
local owner_words = W.set { "his", "her", "their", "its", "my", "our", "your" }

-- First words of clubs and companies: "FC Basel", "SS Lazio", "Radio Disney".
org_prefixes = W.set { "FC", "AFC", "CF", "AC", "AS", "SS", "SC", "SV", "VfB", "VfL", "FK", "NK",
  "SK", "CD", "UD", "RC", "RCD", "KV", "KRC", "PSV", "TSG", "Radio", "Club", "Team", "Banco", "Banca",
  "Grupo", "Groupe", "Gruppo", "Compagnie", "Compañía" }
-- Organization words that open names in other languages: "Partido de la
-- Gente", "Escola Superior de Belas-Artes", "Museu Nacional de Arte
-- Contemporânea do Chiado". Such a name may run longer than four words.
local foreign_heads = W.set { "Partido", "Partito", "Parti", "Partei", "Escola", "Escuela", "Museu",
  "Museo", "Musée", "Instituto", "Institut", "Universidad", "Universidade", "Università",
  "Universität", "Fundación", "Fundação", "Fondation", "Fondazione", "Stiftung", "Movimiento",
  "Movimento", "Frente", "Ministerio", "Ministério", "Ministère", "Servicio", "Serviço", "Consejo",
  "Conselho", "Conseil", "Corte", "Banque", "Sindicato", "Confederación", "Asociación",
  "Associação", "Agencia", "Agência", "Agence", "Comisión", "Comissão", "Tribunal", "Supremo",
  "Hochschule", "Verband", "Bundesamt", "Bundesverband",
  -- parties and coalitions: "Unidad por Chile", "Juntos por el Cambio", "União Brasil"
  "Unidad", "Unión", "União", "Alianza", "Aliança", "Coalición", "Coligação", "Juntos", "Bloque",
  "Fuerza", "Acción", "Convergencia", "Renovación", "Izquierda", "Partit", "Esquerra" }
for w in pairs(foreign_heads) do org_prefixes[w] = true end
-- First words of football clubs named with their city: "Borussia
-- Mönchengladbach", "Sporting Lisbon", "Olympique Lyon", "Inter Milan".
for _, w in ipairs { "Borussia", "Eintracht", "Fortuna", "Hertha", "Werder", "Dynamo", "Dinamo",
  "Sporting", "Atlético", "Atletico", "Olympique", "Lokomotiv", "Spartak", "Hellas", "Deportivo",
  "Independiente", "Racing", "Real", "Inter", "Rapid", "Stade", "Standard", "Slavia", "Sparta",
  "Legia", "Lech", "Ferencváros", "Steaua", "Partizan", "Crvena" } do
  org_prefixes[w] = true
end
-- German institutions are compounds ending in an institution word:
-- "Bundeskartellamt", "Bundesverfassungsgericht", "Bundesnetzagentur",
-- "Verbraucherzentrale Bundesverband", "Landeskriminalamt".
local german_tails = { "amt", "gericht", "gerichtshof", "verband", "ministerium", "agentur", "anstalt",
  "zentrale", "kammer", "kasse", "stiftung", "bank", "partei", "gewerkschaft", "behörde", "hochschule",
  "universität", "institut", "bundesrat", "bundestag", "landtag", "polizei" }
local german_ends = {} -- last three letters of the tails, for a quick test
for _, tail in ipairs(german_tails) do german_ends[tail:sub(-3)] = true end
local function german_body(w)
  if #w < 9 or not german_ends[w:sub(-3)] or not w:find("^%u%l") then return false end
  local lw = w:lower()
  for _, tail in ipairs(german_tails) do
    if #lw > #tail + 3 and lw:sub(-#tail) == tail then return true end
  end
  return false
end

-- A place, then a known body ending in one of these, is the place's own
-- body: "Ohio Senate", "California Supreme Court", "Ontario Liberal Party"
-- (but "U.S. Federal Reserve" is two names).
local state_bodies = W.set { "senate", "house", "assembly", "legislature", "parliament", "court",
  "government", "council", "police", "party" }

-- Words after a place that make no team or company of it: "Miami Area", "UK Edition".
local not_org_tails = W.set { "area", "areas", "metro", "edition", "chart", "charts", "version",
  "time", "region", "suburbs", "downtown", "native", "natives", "style",
  "mp", "mps", "mpp", "mpps", "mla", "mlas", "mep", "meps", "msp", "msps" } -- ("an Ontario MPP")

-- "San Francisco-based", "Kremlin-backed", "state-owned": adjectives made of a name.
local adjective_tails = W.set { "based", "born", "led", "owned", "backed", "made", "funded",
  "run", "style", "bound", "linked", "allied", "controlled", "listed", "headquartered" }
local function hyphen_adjective(w)
  local tail = w:match("%-(%l+)$")
  return tail and adjective_tails[tail] or false
end
-- The first adjective of that kind in the run s..e, or nil.
local function adjective_in(toks, s, e)
  for p = s, e do
    if toks[p].text:find("-", 2, true) and hyphen_adjective(toks[p].text) then return p end
  end
  return nil
end

-- Legal forms after a company's name.
local legal_forms = W.set { "inc.", "inc", "corp.", "corp", "co.", "ltd.", "ltd", "limited", "llc", "plc", "ag",
  "sa", "s.a.", "gmbh", "nv", "n.v.", "se", "a/s", "asa", "ab", "oyj", "spa", "s.p.a.", "pty" }

-- Words after a company's short name that make its full name: "CMOC Group".
local group_words = W.set { "group", "holdings", "holding", "corporation", "company", "groupe", "gruppe" }

local compass = W.set { "north", "south", "east", "west", "northern", "southern", "eastern",
  "western", "central", "greater", "upper", "lower" }

-- A run of capitalized words that no cue typed: "&" or a digit makes it an
-- organization; name-shaped words that are neither everyday words nor places
-- ("Augusto Pinochet", "C. H. Douglas") a person. Anything else is left alone.
local function fallback(toks, s, e, common)
  local head = low(toks[e])
  if W.event_words[head] or W.titles[head] or not_person_starts[low(toks[s])] then return nil end
  if compass[low(toks[s])] and e > s and not common[toks[e].text:lower()] and not vocab[head] then
    -- "South Jutland", "Greater Poland"
    return "place"
  end
  local has_common = false
  for p = s, e do
    local t = toks[p]
    local w = t.text
    if w == "&" then
      -- "Procter & Gamble", not "Home & Away", "Research & Analysis"
      local l, r = toks[p - 1], toks[p + 1]
      if (l and (vocab[l.text:lower()] or common[l.text:lower()]))
          or (r and (vocab[r.text:lower()] or common[r.text:lower()])) then
        return nil
      end
      return "organization"
    end
    local lw = w:lower()
    if common[lw] or W.function_words[lw] or places:lookup(w) or
        (vocab[lw] and not (p == s and given[w])) then
      has_common = true
    end
    -- (a byte >= 128 is part of a letter: "Núñez", "Łukasz", "Émile"; Latin
    -- script only, so at least one ASCII lower-case letter)
    if not (w:find("^%u%l+$") or w:find("^%u%.$") or w:find("^%u%l+%-%u%l+$") or
        (w:find("^[%u\128-\255][%l\128-\255]+$") and w:find("%l")) or
        w:find("^Mc%u%l+$") or w:find("^O'%u%l+$") or (p > s and p < e and W.particles[lw])) then
      return nil
    end
  end
  if has_common then return nil end
  local before = toks[s - 1]
  if before and before.text == "the" then
    -- "the Devil Rays", "the Phantom Horns": no one's name takes "the"; too vague to type
    return nil
  end
  return "person"
end

-- Whether the word before token s makes an unknown name there a place:
-- "in Kalamazoo", "near Tougana"; but "brought in Mandiant", "a stake in
-- Veltrix" name a company, and "through" is as often a sales channel
-- ("offered through Experian") as a route.
local in_phrasal = W.set { "brought", "bring", "brings", "bringing", "called", "calling", "call",
  "invested", "invest", "invests", "investing", "investment", "investments", "stake", "stakes",
  "shares", "holding", "holdings", "interest", "interests", "weighed", "chipped", "roped",
  "cashed", "confidence", "trust", "faith", "believe", "believes", "believed" }
local function place_prep(toks, s)
  local b = toks[s - 1]
  if not (b and b.word) then return false end
  local w = low(b)
  if not W.strong_place_preps[w] or w == "through" then return false end
  if w == "in" then
    local b2 = toks[s - 2]
    if b2 and b2.word and in_phrasal[low(b2)] then return false end
  end
  return true
end

-- Whether the capitalized words ending at token e are a known organization:
-- "Morgan Stanley and Centerview Partners" are two firms, while "Food and
-- Drug Administration" is one name, and so is "Basingstoke and Alton Light
-- Railway" (places before "and" name a railway's or a squadron's ends).
local function known_before(a, toks, e)
  local s = e
  while s > e - 3 and is_name_word(toks[s - 1]) and not toks[s].sent_start do s = s - 1 end
  for q = s, e do
    local name = a.text:sub(toks[q].i, toks[e].j)
    local _, ty = orgs:lookup(name)
    if ty == "organization" then return true end
  end
  return false
end

-- A firm named by partners' surnames: "Wachtell, Lipton, Rosen & Katz",
-- "Skadden, Arps, Slate, Meagher & Flom". Before the "&" name starting at
-- s, single unknown capitalized words joined by commas belong to it; the
-- new start.
local function firm_start(toks, s, common)
  local q = s
  while toks[q - 1] and toks[q - 1].text == "," and is_name_word(toks[q - 2]) and not toks[q - 2].sent_start
      and toks[q - 2].text:find("^%u%l+$") do
    local w, b = toks[q - 2].text, toks[q - 3]
    if is_name_word(b) and not b.sent_start then break end
    local lw = w:lower()
    if common[lw] or vocab[lw] or given[w] or places:lookup(w) or orgs:lookup(w) then break end
    q = q - 2
  end
  return q
end

-- Given names left out of the list because they are also words ("Will",
-- "Bill", "Mark", "Christian"): a given name mid-sentence, after no other
-- capitalized word, before a surname-shaped word that is no everyday word
-- and no place ("from Will Smallbone", but "the Finance Bill", "Christian
-- Democrats").
local word_given = W.set { "Will", "Bill", "Mark", "Grant", "Chase", "Drew", "Miles", "Pat", "Ray",
  "Dale", "Glen", "Wade", "Lance", "Christian", "Rose", "Hope", "Grace", "Joy", "June", "Dawn",
  "Faith", "Earl", "Gene", "Sterling", "Hunter", "Guy", "Sue", "Art", "Cliff", "Brook", "Ivy",
  "Holly", "Iris", "Ruby", "Jasmine", "Heather", "Buck", "Rusty", "Sunny", "Angel", "Roman" }
-- (words after a company named like a person: "Christian Dior shares")
local company_after = W.set { "shares", "stock", "stores", "store", "boutiques", "brand", "brands",
  "products", "spokesman", "spokeswoman", "spokesperson", "executives", "employees", "subsidiary" }
local function soft_given(toks, s, common)
  local t, n, b = toks[s], toks[s + 1], toks[s - 1]
  if not word_given[t.text] or t.sent_start or not n or (b and b.cap and b.word) then return false end
  local n2 = toks[s + 2]
  if n2 and n2.word and company_after[low(n2)] then return false end
  local w = n.text
  local lw = w:lower()
  return (w:find("^%u%l+$") or w:find("^[%u\128-\255][%l\128-\255]+$")) and not common[lw] and not vocab[lw]
    and not places:lookup(w) and not W.org_heads[lw] and not W.place_heads[lw] and true or false
end

-- Relatives named by a given name after a comma: "a daughter, Inês,".
local kin_nouns = W.set { "son", "daughter", "wife", "husband", "brother", "sister", "mother", "father",
  "widow", "widower", "grandson", "granddaughter", "stepson", "stepdaughter", "niece", "nephew" }

local quotes = W.set { '"', "“", "”" }
-- Given name(s) s..e, a nickname of one to three capitalized words in
-- quotes, then one or two capitalized words: the end of the full name.
local function nickname_end(toks, s, e)
  local q = toks[e + 1]
  if not (q and quotes[q.text] and e - s <= 2 and given[toks[s].text]) then return nil end
  local c = e + 2
  while is_name_word(toks[c]) and c <= e + 4 do c = c + 1 end
  if c == e + 2 or not (toks[c] and quotes[toks[c].text]) then return nil end
  local f = toks[c + 1]
  if not is_name_word(f) or W.function_words[low(f)] then return nil end
  local r = run_end(toks, c + 1)
  if r > c + 2 then return nil end
  return r
end

-- Short names introduced without parentheses, as wire style has them: "the
-- Southeastern Pennsylvania Transportation Authority, known as SEPTA", "the
-- Court of Justice of the European Union, or CJEU,", "known by its French
-- acronym ARECOMS", "BEUC, the European Consumer Organisation". The short
-- name becomes an alias of the long one: of the entity found there, or of
-- a new organization when the long name is an untyped run of two or more
-- capitalized words whose first letter the short name shares.
local acronym_nouns = W.set { "acronym", "abbreviation", "initials" }
local function short_name(t)
  if not (t and t.word and t.cap and not t.digit) then return false end
  return (t.upper and #t.text >= 2 and #t.text <= 8) or t.text:find("^%u%l+$") ~= nil
end
local function alias_cues(a, toks, common)
  local ends, starts -- byte end / start of a mention -> its entity (made on first use)
  local function index()
    ends, starts = {}, {}
    for _, ent in ipairs(a:entities()) do
      for _, m in ipairs(ent.mentions) do
        ends[m.j] = ent
        starts[m.i] = ent
      end
    end
  end
  local function entity_ending(j)
    if not ends then index() end
    return ends[j]
  end
  local function entity_starting(i)
    if not starts then index() end
    return starts[i]
  end
  -- A short name that a gazetteer knows as something else is no alias
  -- ("Apple, or Google,", "ECB, the Federal Reserve and ..."), and a
  -- capitalized word, not an acronym, must share the long name's first letter.
  local function other_name(short, long_name)
    local c1 = orgs:lookup(short)
    local c2 = places:lookup(short)
    return (c1 and c1 ~= long_name) or (c2 and c2 ~= long_name) or false
  end
  local function link(q, e, p) -- long name toks q..e, short name toks[p]
    local short = toks[p].text
    local long = entity_ending(toks[e].j)
    if not toks[p].upper and toks[q].text:sub(1, 1) ~= short:sub(1, 1) then return end
    if long and long.type ~= "person" then
      if nutgraf.fold(long.name) == nutgraf.fold(short) or other_name(short, long.name) then return end
      local other = a:entity(short)
      a:tag_entity { name = long.name, type = long.type, i = toks[p].i, j = toks[p].j, score = 0.8,
                     alias = short }
      if other and other.name ~= long.name and other.type ~= "person" then
        a:set_entity(other.name, { name = long.name })
      end
      return
    end
    if long or e <= q or toks[q].text:sub(1, 1) ~= short:sub(1, 1) then return end
    for r = q, e do
      local w = toks[r].text:lower()
      if not (is_name_word(toks[r]) or W.particles[w] or w == "of" or w == "and" or w == "for")
          or (r == q and (W.function_words[w] or given[toks[r].text])) then
        return
      end
    end
    if everyday_run(toks, q, e, common) then return end
    local name = span_text_of(toks, q, e)
    a:tag_entity { name = name, type = "organization", i = toks[q].i, j = toks[e].j, score = 0.6 }
    a:tag_entity { name = name, type = "organization", i = toks[p].i, j = toks[p].j, score = 0.6,
                   alias = short }
  end
  -- the capitalized long name ending at token e: its first token
  local function long_start(e)
    local q = e
    while q > 1 and q > e - 12 do
      local b = toks[q - 1]
      local w = b.word and low(b)
      if is_name_word(b) and not b.sent_start then
        q = q - 1
      elseif w and (w == "of" or w == "and" or w == "for" or w == "the" or W.particles[w])
          and (is_name_word(toks[q - 2]) or (toks[q - 2] and toks[q - 2].word
            and (low(toks[q - 2]) == "of" or low(toks[q - 2]) == "for") and is_name_word(toks[q - 3]))) then
        q = q - 1
      elseif is_name_word(b) then
        q = q - 1
        break
      else
        break
      end
    end
    while q < e and (not is_name_word(toks[q]) or W.function_words[low(toks[q])]) do q = q + 1 end
    return q
  end
  local function at(p)
    local t = toks[p]
    if not (p >= 4 and p < #toks and short_name(t)) then return end
    local b1, b2, after = toks[p - 1], toks[p - 2], toks[p + 1]
    local closes = after and not after.word and after.text ~= "(" and after.text ~= "-"
    if closes and b1.text == "or" and b2.text == "," and toks[p - 3].cap then
      -- "..., or CJEU,"
      link(long_start(p - 3), p - 3, p)
    elseif closes and b1.word then
      -- "..., known as SEPTA", "..., known by its French acronym ARECOMS"
      local k = nil
      if b1.text == "as" and b2.text == "known" then
        k = p - 2
      elseif acronym_nouns[b1.text] then
        for q = p - 2, math.max(2, p - 5), -1 do
          if toks[q].text == "known" then k = q break end
          if not toks[q].word then break end
        end
      end
      if k and toks[k - 1].text == "," and toks[k - 2].cap then link(long_start(k - 2), k - 2, p) end
    elseif t.upper and after and after.text == "," and toks[p + 2] and toks[p + 2].text == "the"
        and (t.sent_start or not b1.word) then
      -- "BEUC, the European Consumer Organisation, said": a found organization
      local long = is_name_word(toks[p + 3]) and entity_starting(toks[p + 3].i)
      local nx = nil -- the token after the long name ("and": a list, not a definition)
      if long then
        for _, m in ipairs(long.mentions) do
          if m.i == toks[p + 3].i then
            local k = p + 3
            while toks[k + 1] and toks[k].j < m.j do k = k + 1 end
            nx = toks[k + 1]
          end
        end
      end
      if long and long.type == "organization" and not other_name(t.text, long.name)
          and not (nx and nx.word and (low(nx) == "and" or low(nx) == "or")) then
        local short = t.text
        local other = a:entity(short)
        a:tag_entity { name = long.name, type = "organization", i = t.i, j = t.j, score = 0.8, alias = short }
        if other and other.name ~= long.name and other.type ~= "person" then
          a:set_entity(other.name, { name = long.name })
        end
      end
    end
  end
  -- (the cues are rare: find them in the text as plain strings, which is
  -- much cheaper than a pattern or a walk over every token)
  local text = a.text
  local function each(cue, f)
    local init = 1
    while true do
      local i, j = text:find(cue, init, true)
      if not i then return end
      f(i, j + 1)
      init = j + 1
    end
  end
  each(", or ", function(_, pos) at(W.token_at(toks, pos) or 0) end)
  each("known as ", function(_, pos) at(W.token_at(toks, pos) or 0) end)
  each("known by ", function(_, pos)
    local k = W.token_at(toks, pos)
    if k then
      for q = k, k + 4 do at(q) end
    end
  end)
  each(", the ", function(i)
    local c = W.token_at(toks, i)
    if c then at(c - 1) end
  end)
end

local function pretty(word, first)
  local f = nutgraf.fold(word)
  if not first and W.particles[f] then return f end
  return (f:gsub("^%l", string.upper))
end

return {
  name = "names",
  article = function(a)
    local toks = a:tokens()
    text_of = a.text
    local n = #toks
    local common = W.lower_words(toks)
    local blocks = a:blocks()
    local title_end = 0
    if blocks[1] and blocks[1].kind == "title" then title_end = blocks[1].j end
    local people, singles, pending = {}, {}, {}
    local skip_to = 0

    local function tag(kind, s, e, score)
      local name = span_text(a, toks, s, e)
      a:tag_entity { name = name, type = kind, i = toks[s].i, j = toks[e].j, score = score }
      if kind == "person" then people[#people + 1] = name end
      return name
    end

    -- Dateline: the leading all-caps words of the first paragraph, before
    -- a comma, "(" or a dash.
    for _, b in ipairs(blocks) do
      if b.kind == "paragraph" then
        local k = 1
        while k <= n and toks[k].i < b.i do k = k + 1 end
        local e = k - 1
        while toks[e + 1] and toks[e + 1].word and toks[e + 1].upper and not toks[e + 1].digit do
          e = e + 1
        end
        local stop = toks[e + 1] and toks[e + 1].text
        if e >= k and e - k < 4 and (stop == "," or stop == "(" or stop == "—" or stop == "–" or stop == "-") then
          local words = {}
          for p = k, e do words[#words + 1] = pretty(toks[p].text, p == k) end
          local name = table.concat(words, " ")
          local canon, ty = places:lookup(name)
          if ty == "place" then name = canon end
          if ty == nil or ty == "place" then
            a:tag_entity { name = name, type = "place", i = toks[k].i, j = toks[e].j, score = 0.8 }
          end
          skip_to = e
        end
        break
      end
    end

    local spoke_single = {}
    local k = 1
    while k <= n do
      local t = toks[k]
      if not t.cap or k <= skip_to or not is_name_word(t) or t.i <= title_end
          or (t.sent_start and not is_name_word(toks[k + 1]) and W.function_words[low(t)])
          or (t.upper and shouting(toks, k)) then
        -- (a sentence-initial "The", "But" alone is the commonest case)
        k = k + 1
      else
        local s, e = k, run_end(toks, k)
        local nick = nickname_end(toks, s, e)
        if nick then
          -- 'Joaquín "El Chapo" Guzmán': one person, nickname and all
          -- named without the nickname, which becomes an alias
          local q2 = e + 2
          while not quotes[toks[q2].text] do q2 = q2 + 1 end
          local full = span_text(a, toks, s, e) .. " " .. span_text(a, toks, q2 + 1, nick)
          a:tag_entity { name = full, type = "person", i = toks[s].i, j = toks[nick].j, score = 0.9,
                         alias = span_text(a, toks, e + 2, q2 - 1) }
          people[#people + 1] = full
          k = nick + 1
          goto continue
        end
        local adj = adjective_in(toks, s, e)
        if adj then
          -- "a San Francisco-based company", "Chinese-made": an adjective, no
          -- name; but "a London-based lawyer", "The Dublin-based carrier" name
          -- the place; a name after the adjective starts afresh: the
          -- "Republican-controlled Senate" is the Senate
          local tail = toks[adj].text:match("%-(%l+)$")
          local s2 = s
          while s2 < adj and W.function_words[low(toks[s2])] do s2 = s2 + 1 end
          if tail == "based" or tail == "born" then
            local j = toks[adj].j - #tail - 1
            local canon, ty, kind = places:lookup(a.text:sub(toks[s2].i, j))
            if ty == "place" and kind ~= "demonym" then
              a:tag_entity { name = canon, type = "place", i = toks[s2].i, j = j, score = 0.6 }
            end
          end
          k = adj + 1
          goto continue
        end
        local prev = toks[s - 1]
        local cue_person = prev and prev.word and not prev.cap and W.titles[low(prev)] or false
        local plural_title = cue_person and low(prev):match("s%.?$") and true or false
        -- Titles inside the run: the name starts after the last of them.
        local head_word = low(toks[e])
        for p = s, e - 1 do
          if W.titles[low(toks[p])] and not (toks[p + 1] and toks[p + 1].possessive) and
              not W.org_heads[head_word] and not W.place_heads[head_word]
              and not everyday_run(toks, p + 1, e, common) then
            s = p + 1
            cue_person = true
            plural_title = low(toks[p]):match("s%.?$") and true or false
          end
        end
        -- Sentence-initial and function words are not part of a name, but
        -- "All Nippon Airways" mid-sentence is.
        while s <= e and not cue_person do
          local w = low(toks[s])
          if (W.function_words[w] and not (W.name_starters[w] and not toks[s].sent_start and s < e)
                and not (s < e and soft_given(toks, s, common))) or
              (s == k and toks[s].sent_start and common[toks[s].text:lower()] and not (W.particles[w] and s < e)) then
            s = s + 1
          else
            break
          end
        end
        if s <= e and not cue_person and s < e then
          -- "State Marco Rubio": start at the first given name after other words.
          for p = s + 1, e - 1 do
            if given[toks[p].text] and not given[toks[s].text] and not W.place_heads[low(toks[e])]
                and not W.org_heads[low(toks[e])]
                -- (but "São Paulo", "San Pablo": the given name ends a place's name)
                and not places:lookup(span_text(a, toks, s, p)) then
              s = p
              cue_person = true
              break
            end
          end
        end
        if s <= e then
          local words = e - s + 1
          -- particles do not count towards a name's length: "Luiz Inácio Lula da Silva"
          local maxw = 4
          for p = s + 1, e - 1 do
            if W.particles[low(toks[p])] and not toks[p].cap then maxw = maxw + 1 end
          end
          local head = low(toks[e])
          local nxt = toks[e + 1]
          local before = toks[s - 1]
          local after_word = nxt and nxt.word and low(nxt)
          local before_word = before and before.word and low(before)
          local spoke = (after_word and W.speech[after_word]) or
              (before_word and W.speech[before_word]) or
              (nxt and nxt.text == "," and toks[e + 2] and W.titles[low(toks[e + 2])])
          if not spoke and nxt and nxt.text == "," and toks[e + 2] and
              (toks[e + 2].text == "the" or toks[e + 2].text == "a" or toks[e + 2].text == "an") then
            -- "Maros Sefcovic, the EU trade commissioner,": a title closes the apposition
            for q = e + 3, e + 6 do
              local w1, w2 = toks[q], toks[q + 1]
              if not (w1 and w1.word) or w1.possessive then break end
              if W.titles[low(w1)] and w1.lower and w2 and (w2.text == "," or w2.text == ".") then
                spoke = true
                break
              end
            end
          end
          local n2 = toks[e + 2]
          local aged = nxt and nxt.text == "," and n2 and
              ((n2.digit and toks[e + 3] and toks[e + 3].text == ",") or (n2.word and W.person_after[low(n2)]))
          local first_given = given[toks[s].text] or (words == 2 and soft_given(toks, s, common))
          -- a known place leading the run (looked up once, when first needed)
          local pp_done, pp_v = false, nil
          local function pp()
            if not pp_done then
              pp_done, pp_v = true, words >= 2 and place_prefix(a, toks, s, e)
            end
            return pp_v
          end
          if W.of_heads[head] and nxt and (low(nxt) == "of" or low(nxt) == "for" or joins(nxt, toks[e]))
              and not cue_person
              and not (head == "hall" and toks[e + 2] and toks[e + 2].text:find("^Fam")) then
            -- ("Hall of Fame" is read by the organizations rule)
            -- "the University of Oxford", "Ministry of Science and Innovation"
            local e2 = org_tail(toks, e)
            if e2 > e then
              local kind = W.place_heads[head] and not W.org_heads[head] and "place" or "organization"
              tag(kind, s, e2, 0.8)
              k = e2 + 1
              goto continue
            end
          end
          if words <= 3 and german_body(toks[e].text) and not cue_person and not places:lookup(toks[e].text) then
            -- "Bundeskartellamt", "Verbraucherzentrale Bundesverband"
            tag("organization", s, e, 0.7)
          elseif org_prefixes[toks[s].text] and words >= 2
              and (words <= 4 or (foreign_heads[toks[s].text] and words <= 8))
              and not (toks[s].text:find("%l") and (common[head] or vocab[head])) then
            -- "FC Basel", "AS Roma", "Radio Disney"
            tag("organization", s, e, 0.8)
          elseif W.not_places[span_text(a, toks, s, e)] then
            local _ = 0
          elseif W.place_heads[head] and words >= 2 and not W.org_heads[head] and
              not (cue_person or (words == 2 and W.surname_heads[head] and
                (first_given or toks[s].text:find("^%u%l+%-%l"))
                -- ("Beverly Hills", "Alice Springs": listed places, not people)
                and not places:lookup(span_text(a, toks, s, e)))) then
            local inner_org = false
            for p = s, e - 1 do
              if W.org_heads[low(toks[p])] and not W.place_heads[low(toks[p])] then inner_org = true end
            end
            if inner_org then
              tag("organization", s, org_tail(toks, e), 0.7)
            else
              tag("place", s, e, 0.7)
            end
          elseif (head == "center" or head == "centre") and words >= 2 and W.place_center_mods[low(toks[e - 1])] then
            tag("place", s, e, 0.75)
          elseif W.org_heads[head] and words >= 2 and before_word == "and" and is_name_word(toks[s - 2])
              and not W.org_heads[low(toks[s - 2])] and not known_before(a, toks, s - 2) then
            -- the end of "Food and Drug Administration": the gazetteer's, or nobody's
            local _ = 0
          elseif W.org_heads[head] and words >= 2 then
            if pp() and orgs:lookup(span_text(a, toks, pp() + 1, e)) and not state_bodies[head] then
              -- "U.S. Federal Reserve": the place, then the known organization
              tag("place", s, pp(), 0.6)
            else
              e = org_tail(toks, e)
              local known = legal_forms[low(toks[e])] and orgs:lookup(span_text(a, toks, s, e - 1))
              if known then
                -- "Gilead Sciences Inc.": the known company, by its usual name
                a:tag_entity { name = known, type = "organization", i = toks[s].i, j = toks[e].j, score = 0.8 }
              else
                tag("organization", s, e, 0.8)
              end
            end
          elseif W.org_heads[head] and words == 1 and before_word == "the" and not common[toks[e].text:lower()] then
            -- a bare head word ("the Council") is too vague to tag
            local _ = 0
          elseif head == "democrat" or head == "republican" or head == "democrats" or head == "republicans" then
            -- "a San Francisco Democrat": the party (from the gazetteer)
            local _ = 0
          elseif W.event_words[head] and not cue_person then
            -- "Stanley Cup", "Davis Cup", "Paris Agreement": no one's name
            local _ = 0
          elseif cue_person and words == 1 and W.function_words[head] then
            -- "Doctor Who"
            local _ = 0
          elseif cue_person and words == 1 and toks[s].upper and not toks[s].text:find("%.") then
            -- "state broadcaster TRT", "lender HSBC": an acronym after a role word is a body
            singles[#singles + 1] = s
          elseif cue_person and words <= maxw then
            tag("person", s, e, 0.9)
            -- "Justices Elena Kagan and Ketanji Brown Jackson"
            local q = e + 1
            while plural_title and toks[q] and (toks[q].text == "," or low(toks[q]) == "and") do
              local r = q + 1
              if toks[r] and low(toks[r]) == "and" then r = r + 1 end
              if not is_name_word(toks[r]) then break end
              local re = run_end(toks, r)
              if re - r > 3 then break end
              tag("person", r, re, 0.85)
              e, q = re, re + 1
            end
          elseif not first_given and not W.event_words[head] and not W.titles[head] and not spoke and pp()
              and not not_org_tails[head]
              -- ("a chapel in Talisay City": the city, not a club like "Leicester City")
              and not (head == "city" and place_prep(toks, s) and not toks[e].possessive)
              and not aged and not (nxt and nxt.word and joiners[low(nxt)] and is_name_word(toks[e + 2])) then
            -- "Miami Heat", "Leicester City", "Kenya Airways": a team or company
            tag("organization", s, e, 0.7)
          elseif words >= 2 and words <= maxw and first_given then
            tag("person", s, e, 0.85)
          elseif words >= 2 and words <= maxw and (spoke or aged) then
            tag("person", s, e, 0.7)
          elseif words <= 3 and nxt and nxt.text == "," and n2 and n2.cap and not common[toks[s].text]
              and (function()
                local _, ty, kind = places:lookup(n2.text)
                if not ty and toks[e + 3] and toks[e + 3].cap then
                  _, ty, kind = places:lookup(n2.text .. " " .. toks[e + 3].text)
                end
                return ty == "place" and (kind == "state" or kind == "country" or kind == "province")
              end)() and not a:entity(span_text(a, toks, s, e)) then
            -- "Des Moines, Iowa", "Grenoble, France"
            tag("place", s, e, 0.65)
          elseif words <= 2 and place_prep(toks, s) and not first_given
              and not common[toks[s].text] and not W.languages[toks[s].text] and not toks[s].upper
              and not W.function_words[low(toks[s])] and not W.not_places[span_text(a, toks, s, e)]
              and not W.org_heads[head] and not W.titles[head] and not W.event_words[head] then
            pending[#pending + 1] = { s = s, e = e, kind = "place" }
          elseif words == 1 then
            singles[#singles + 1] = s
            if spoke or aged then spoke_single[toks[s].text] = true end
          elseif words <= 4 then
            pending[#pending + 1] = { s = s, e = e, kind = "maybe-person" }
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
              low(toks[q - 1]) == "of" or low(toks[q - 1]) == "and" or low(toks[q - 1]) == "for" or
              (toks[q - 1].text == "the" and q > 3 and (toks[q - 2].text == "of" or toks[q - 2].text == "for")
                and toks[q - 3].word and W.org_heads[low(toks[q - 3])])) do
          -- ("Office for the Coordination of Humanitarian Affairs (OCHA)")
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

    alias_cues(a, toks, common)

    local covered, long_orgs, org_names = {}, {}, {}
    for _, ent in ipairs(a:entities()) do
      for _, m in ipairs(ent.mentions) do covered[m.i] = true end
      if ent.type == "organization" then
        org_names[ent.name] = true
        if ent.name:find(" ", 1, true) then long_orgs[#long_orgs + 1] = ent.name end
      end
    end
    -- A lone capitalized word that is the first or last name of a person
    -- found above is that person ("Bessent said", "Xi").
    -- (not of a name the gazetteer or a cue typed otherwise: "Eli Lilly"
    -- is the company, so "Lilly" alone is too)
    local parts, inner_parts, done = {}, {}, {}
    for _, name in ipairs(people) do
      if not done[name] then
        done[name] = true
        local first, last = name:match("^(%S+)"), name:match("(%S+)$")
        if not org_names[name] then
          parts[first] = true
          parts[last] = true
          if name:find("%S %S+ %S+ %S") then
            -- a long name's inner words when a speech verb says so: "Lula said"
            -- after "Luiz Inácio Lula da Silva"
            local words = {}
            for w in name:gmatch("%S+") do words[#words + 1] = w end
            for p = 2, #words - 1 do
              if words[p]:find("^[%u\128-\255]") then inner_parts[words[p]] = true end
            end
          end
        end
      end
    end
    -- Two or three capitalized words whose last word speaks alone elsewhere
    -- ("Jalen Brunson ... Brunson said") are a person; unknown names after
    -- "in"/"near" are places.
    for _, c in ipairs(pending) do
      if c.kind == "place" then
        local name = span_text(a, toks, c.s, c.e)
        if not parts[toks[c.e].text] and not a:entity(name) then
          tag("place", c.s, c.e, 0.5)
        end
      elseif spoke_single[toks[c.e].text] and c.e - c.s <= 2 and not covered[toks[c.s].i] then
        -- (not over a known name: "Borussia Dortmund ... Dortmund, who" is the club)
        tag("person", c.s, c.e, 0.6)
        parts[toks[c.e].text] = true
      elseif not (toks[c.s - 1] and toks[c.s - 1].text == "(" and c.s <= skip_to + 3) then
        -- (the agency after a dateline is not tagged)
        local kind = fallback(toks, c.s, c.e, common)
        local known = false
        for p = c.s, c.e do
          if parts[toks[p].text] or covered[toks[p].i] then known = true end
        end
        if known and kind == "person" and c.e > c.s and not parts[toks[c.s].text] then
          -- another person of a found person's surname: "Amanjot Kaur" after
          -- "Harmanpreet Kaur", "Mateus Tavares" after "Rosa Tavares"
          known = false
          for p = c.s, c.e do
            if covered[toks[p].i] or (p < c.e and parts[toks[p].text]) then known = true end
          end
        end
        if kind and not known and not a:entity(span_text(a, toks, c.s, c.e)) then
          if kind == "organization" then c.s = firm_start(toks, c.s, common) end
          tag(kind, c.s, c.e, 0.4)
          if kind == "person" then parts[toks[c.e].text] = true end
        end
      end
    end
    -- a small town that is also a found person's name ("Priya Raman") was the person
    -- and so is a city named alone like a found person when no mention of
    -- it has a place cue ("General Manuel Belgrano ... Belgrano's army")
    for part in pairs(parts) do
      local e = a:entity(part)
      local _, _, kind = places:lookup(part)
      if e and e.type == "place" and kind == "town" then
        a:drop_entity(e.name)
      elseif e and e.type == "place" and kind == "city" and e.name == part then
        local cue = false
        for _, m in ipairs(e.mentions) do
          local q = W.token_at(toks, m.i)
          local b, nx = q and toks[q - 1], q and toks[q + 1]
          local n2 = q and toks[q + 2]
          local owns = q and (toks[q].possessive or
            (nx and nx.i <= toks[q].j + 2 and (nx.text == "'" or nx.text == "’")))
          if owns then
            local _ = 0 -- ("in Belgrano's encampment": the person's)
          elseif not q or (b and b.word and (W.strong_place_preps[low(b)] or low(b) == "from" or low(b) == "at"))
              or (nx and nx.text == "," and n2 and n2.cap and places:lookup(n2.text))
              or (b and b.upper and b.word) then
            cue = true
            break
          end
        end
        if not cue then a:drop_entity(e.name) end
      end
    end
    -- The first or last word of one found organization's longer name, when
    -- it is no everyday word, is that organization: "Lilly" after "Eli Lilly",
    -- "Novo" after "Novo Nordisk".
    local org_parts -- (made when a single first needs it)
    local function org_part(word)
      if not org_parts then
        org_parts = {}
        for _, name in ipairs(long_orgs) do
          for _, w in ipairs { name:match("^(%S+)"), name:match("(%S+)$") } do
            local lw = w:lower()
            if w:find("^%u%l%l+$") and not common[lw] and not vocab[lw] and not legal_forms[lw]
                and not places:lookup(w) then
              org_parts[w] = (org_parts[w] == nil or org_parts[w] == name) and name or false
            end
          end
          -- "CMOC" after "CMOC Group", "HSBC" after "HSBC Holdings": an acronym
          -- and only a legal form or a group word after it
          local acro, rest = name:match("^(%u%u+) (%S+)$")
          if acro and (legal_forms[rest:lower()] or group_words[rest:lower()]) and not places:lookup(acro) then
            org_parts[acro] = (org_parts[acro] == nil or org_parts[acro] == name) and name or false
          end
        end
      end
      return org_parts[word]
    end
    for _, s in ipairs(singles) do
      local t = toks[s]
      local word = t.text
      local lw = long_orgs[1] and word:lower()
      if long_orgs[1] and not parts[word] and (word:find("^%u%l%l+$") or word:find("^%u%u+$"))
          and not common[lw] and not vocab[lw]
          and org_part(word) and not a:entity(word) then
        a:tag_entity { name = org_part(word), type = "organization", i = t.i, j = t.j, score = 0.6,
                       alias = word }
      elseif parts[word] or (inner_parts[word] and spoke_single[word]) then
        a:tag_entity { name = word, type = "person", i = t.i, j = t.j, score = 0.7 }
      elseif given[word] and toks[s - 1] and toks[s - 1].text == "," and toks[s - 2] and toks[s - 2].word
          and kin_nouns[low(toks[s - 2])] and toks[s + 1] and (toks[s + 1].text == "," or toks[s + 1].text == "."
            or low(toks[s + 1]) == "and") then
        -- "survived by a daughter, Inês, and", "his wife, Maria.": a relative named by a given name
        a:tag_entity { name = word, type = "person", i = t.i, j = t.j, score = 0.6 }
      elseif t.upper and #word >= 3 and #word <= 6 and word:match("^%u[%u&]+$") and not W.not_org_acronyms[word]
          and not (toks[s - 1] and toks[s - 1].digit and not toks[s - 1].text:find("%a")) -- "a 3.60 ERA"
          and not (toks[s - 1] and owner_words[toks[s - 1].text]) -- "his ERA", "their MBA"
          and not places:lookup(word) and not a:entity(word) then
        -- an all-caps acronym nobody introduced: KPMG, LSEG
        a:tag_entity { name = word, type = "organization", i = t.i, j = t.j, score = 0.5 }
      end
    end
    -- A lone name-shaped word that recurs mid-sentence, is never written in
    -- lower case and is no everyday word ("Budjana", "Hitzig"): a place after
    -- "in"/"near", else a person when a speech verb, a title, a possessive or
    -- a given name says so.
    local seen, order = {}, {}
    for _, s in ipairs(singles) do
      local t = toks[s]
      local w = t.text
      if not t.sent_start and w:find("^[%u\128-\255][%l\128-\255][%l\128-\255]+$") and w:find("%l%l")
          and not parts[w] and not common[w:lower()]
          and not vocab[w:lower()] and not W.languages[w] then
        local c = seen[w]
        if not c then
          c = { n = 0, place = false, person = given[w] or false, toks = {} }
          seen[w] = c
          order[#order + 1] = w
        end
        c.n = c.n + 1
        c.toks[#c.toks + 1] = s
        local b, nx = toks[s - 1], toks[s + 1]
        if place_prep(toks, s) then c.place = true end
        if (nx and nx.word and W.speech[low(nx)]) or (b and b.word and W.speech[low(b)]) or
            t.possessive or (b and b.word and not b.cap and W.titles[low(b)]) then
          c.person = true
        end
      end
    end
    for _, w in ipairs(order) do
      local c = seen[w]
      if c.n >= 2 and not a:entity(w) and not places:lookup(w) then
        local kind = (c.place and not c.person and "place") or (c.person and "person") or nil
        if kind then
          for _, s in ipairs(c.toks) do
            a:tag_entity { name = w, type = kind, at = toks[s], score = 0.4 }
          end
        end
      end
    end
    -- "Rodríguez Zapatero", "Von der Leyen": the end of one person's full
    -- name is that person, when only one full name ends so.
    -- A lone surname that ends several full names ("Jair Bolsonaro",
    -- "Flávio Bolsonaro") is, as wire copy uses it, the one named first; a
    -- lone word inside exactly one longer name, not its first word ("Lula"
    -- in "Luiz Inácio Lula da Silva"), is that person.
    local persons, first_at, folded = {}, {}, {}
    for _, ent in ipairs(a:entities()) do
      if ent.type == "person" then
        persons[#persons + 1] = ent.name
        folded[ent.name] = nutgraf.fold(ent.name)
        first_at[ent.name] = ent.mentions
      end
    end
    local function first(name) -- where a person is first named (worked out when asked)
      local v = first_at[name]
      if type(v) == "table" then
        local at = math.huge
        for _, m in ipairs(v) do if m.i < at then at = m.i end end
        first_at[name] = at
        v = at
      end
      return v
    end
    for _, short in ipairs(persons) do
      local tail, long, inner = " " .. folded[short], nil, nil
      local lone = not short:find(" ", 1, true)
      if lone then
        -- (one search per name: at its end a surname, inside it an inner word)
        local tsp = tail .. " "
        for _, full in ipairs(persons) do
          local pf = folded[full] .. " "
          local pos = #pf > #tsp and pf:find(tsp, 1, true)
          if pos and pos + #tsp - 1 == #pf then
            if long == nil or first(full) < first(long) then long = full end
          elseif pos then
            inner = (inner == nil) and full or false
          end
        end
      else
        for _, full in ipairs(persons) do
          local f = folded[full]
          if #f > #tail and f:sub(-#tail) == tail then
            long = (long == nil) and full or false
          end
        end
      end
      if lone and long and first(long) > first(short) then long = nil end
      if long then
        a:set_entity(short, { name = long })
      elseif lone and long == nil and inner then
        a:set_entity(short, { name = inner })
      end
    end
  end,
}
