-- Names typed by the common noun beside them, not by a list: "the village
-- of Vanxim", "the villages of Lougou and Tougana", "the band Spirit", "record
-- label Soleilmoon Recordings", and definitions: "Boultham is a village in
-- Lincolnshire", "Bilka is a Danish chain of hypermarkets", "Secrets, a
-- Richmond-based jazz band"; and organizations after verbs of membership
-- ("played for Footscray", "signed with Deltasonic").
local W = require("newsnames")

local kinds = {}
for _, w in ipairs {
  "village", "villages", "town", "towns", "city", "cities", "county", "counties",
  "municipality", "municipalities", "commune", "communes", "district", "districts", "region",
  "province", "provinces", "parish", "suburb", "suburbs", "hamlet", "hamlets", "township",
  "borough", "island", "islands", "prefecture", "département", "canton", "neighbourhood",
  "neighborhood", "communities", "settlement", "capital", "state", "states", "river", "lake", "mountain",
} do kinds[w] = "place" end
for _, w in ipairs {
  "band", "bands", "label", "company", "companies", "firm", "club", "clubs", "team", "teams",
  "newspaper", "magazine", "broadcaster", "network", "party", "airline", "carrier", "bank",
  "retailer", "chain", "manufacturer", "maker", "studio", "publisher", "charity", "orchestra",
  "duo", "trio", "quartet", "group", "brand", "startup", "conglomerate", "insurer", "lender",
  "automaker", "carmaker", "distributor", "supplier", "developer", "university", "school",
  "college", "station", "franchise", "league", "union", "agency", "organisation",
  "organization", "subsidiary", "operator", "chipmaker", "drugmaker", "miner", "refiner",
  "brokerage", "nonprofit", "non-profit", "watchdog", "regulator", "outlet", "publication",
  "utility", "cooperative", "think-tank", "automakers", "ministry", "department",
  "provider", "website", "platform", "app", "marketplace", "consultancy", "pollster", "tracker",
  "exchange", "tabloid", "housebuilder", "homebuilder",
} do kinds[w] = "organization" end
-- "the city of X", "the villages of X and Y": only places take "of" like this
local of_kinds = "place"
-- a noun right before the name: "the band Spirit" (not "the city Council")
local direct_ok = W.set { "band", "label", "company", "firm", "club", "team", "newspaper",
  "magazine", "broadcaster", "network", "airline", "carrier", "retailer", "chain",
  "manufacturer", "studio", "publisher", "charity", "duo", "trio", "brand", "startup",
  "conglomerate", "insurer", "lender", "automaker", "carmaker", "distributor", "operator",
  -- "the data provider Moneyfacts", "the property website Rightmove"
  "provider", "website", "platform", "app", "marketplace", "consultancy", "pollster", "tracker",
  "watchdog", "regulator", "exchange", "brokerage", "agency", "union", "bank", "tabloid", "outlet",
  "housebuilder", "homebuilder", "chipmaker", "drugmaker", "miner", "refiner", "group" }
-- (the names after them must not start with a title or a given name:
-- "the central bank Governor Andrew Bailey", "the union's Sharon Graham")

local low = W.low

-- Lower-case divisions after their names: "the Kilimanjaro region", "the
-- Northern, Upper East and Volta regions", "the Donetsk and Luhansk oblasts";
-- and, after a list of names only, institutions: "Cedar Hollow and Ridgeview
-- elementary schools", "Harvard and Yale universities".
local divisions = {
  region = "Region", regions = "Region", province = "Province", provinces = "Province",
  district = "District", districts = "District", oblast = "Oblast", oblasts = "Oblast",
  prefecture = "Prefecture", prefectures = "Prefecture", governorate = "Governorate",
  governorates = "Governorate",
  schools = "School", universities = "University", colleges = "College", hospitals = "Hospital",
}
local institutions = W.set { "schools", "universities", "colleges", "hospitals" }
-- "elementary schools", "state universities"
local institution_mods = W.set { "elementary", "middle", "high", "primary", "secondary", "junior",
  "senior", "community", "state", "general", "technical", "public", "private", "children's" }

-- Verbs of membership and ownership before a name: "played for Footscray",
-- "signed with Deltasonic", "joined Secrets", "drafted by the Colts".
local member_verbs = {
  joined = true, signed = { ["with"] = true, ["to"] = true, ["for"] = true },
  played = { ["for"] = true, ["with"] = true }, drafted = { by = true }, traded = { to = true },
  loaned = { to = true }, acquired = { by = true }, owned = { by = true }, bought = { by = true },
  transferred = { to = true }, sold = { to = true }, merged = { with = true },
}
-- Words that may follow the defining noun: "a Dutch semiconductor maker
-- owned by Wingtech", "a lender based in Lagos".
local participles = W.set { "based", "owned", "founded", "controlled", "headquartered", "listed",
  "run", "backed", "that", "which", "whose" }

-- Capitalized words that number a road: "Highway 62", "Interstate 5".
local road_words = W.set { "Highway", "Route", "Interstate", "Motorway", "Autobahn" }

-- Lower-case nouns after a name that say what it names ("none": no entity).
-- Facilities and neighborhoods: "the Kisanfu mine", "its Metalkol plant",
-- "the Tenke Fungurume and Kisanfu mines", "the Back Central neighborhood";
-- brands are products: "the Fieldstone and Little Paws brands".
local after_nouns = { party = "organization", crossing = "place", checkpoint = "place",
  fire = "none", blaze = "none", wildfire = "none",
  mine = "place", mines = "place", smelter = "place", smelters = "place", refinery = "place",
  refineries = "place", plant = "place", neighborhood = "place", neighbourhood = "place",
  dam = "place", dams = "place", reservoir = "place", reservoirs = "place", basin = "place",
  basins = "place", valley = "place", canal = "place", oilfield = "place", gasfield = "place",
  airport = "place", airports = "place", river = "place", rivers = "place", beach = "place",
  brand = "none", brands = "none" }

-- Plural nouns before "such as", "including" or "like" that type the names
-- listed after them: "housebuilders such as Persimmon and Barratt Redrow",
-- "neighbourhoods, including Dwarka and Laxmi Nagar".
local example_nouns = {}
for _, w in ipairs {
  "companies", "firms", "banks", "lenders", "retailers", "couriers", "carriers", "airlines",
  "insurers", "housebuilders", "homebuilders", "builders", "automakers", "carmakers", "miners",
  "refiners", "manufacturers", "suppliers", "chains", "supermarkets", "operators", "startups",
  "broadcasters", "newspapers", "publishers", "platforms", "brands", "groups", "charities",
  "clubs", "teams", "universities", "agencies", "utilities", "chipmakers", "drugmakers",
  "giants", "rivals", "competitors", "brokers", "investors", "funds", "labels", "bands",
} do example_nouns[w] = "organization" end
for _, w in ipairs {
  "cities", "towns", "villages", "neighbourhoods", "neighborhoods", "districts", "regions",
  "provinces", "states", "countries", "suburbs", "communities", "islands", "areas",
  "counties", "municipalities", "capitals", "ports", "nations",
} do example_nouns[w] = "place" end
local example_cues = W.set { "such", "including", "like" }

-- Sources: "according to Fastmarkets", "a study by World Weather
-- Attribution", "data from Kpler". A name nobody typed there, that does not
-- open with a given name or a title, is an organization (a person quoted as
-- a source is named in full first, and then the name is already taken).
local source_cues = W.set { "according", "by", "from" }
local source_nouns_by = W.set { "study", "report", "survey", "poll", "analysis", "review", "audit",
  "estimate", "estimates", "forecast", "forecasts", "ranking", "index", "research", "investigation",
  "count", "tally", "data" }
local source_nouns_from = W.set { "data", "figures", "estimates", "statistics", "numbers", "research" }

-- every lower-case word that starts a cue of this rule, for a quick test
local cue_words = { is = true, was = true, are = true }
for _, list in ipairs { kinds, member_verbs, divisions, after_nouns, example_cues, source_cues } do
  for w in pairs(list) do cue_words[w] = true end
end
cue_words["and"] = true
local places = nutgraf.gazetteer("../data/places.tsv", { type = "place" })

local given = nutgraf.words("../data/given-names.txt")

local function name_word(t)
  return t and t.word and t.cap and not t.sent_start and not t.digit
end

-- Lists: "Korn, Orgy, Velvet Revolver and Linkin Park", "in Gaza, Rafah and
-- Khan Younis". In a list of three or more names where at least two have a
-- firm type and all firm types agree, the names nobody typed (or typed a
-- person by no cue) take that type.
local seps = W.set { ",", "and", "or" }
local list_types
local function item_end(toks, p)
  local e = p
  while e < p + 3 and name_word(toks[e + 1]) do e = e + 1 end
  return e
end
-- The list whose first comma is toks[c] ("A, B and C"): its items as
-- {s, e} token pairs when there are three or more, else nil.
local function list_at(toks, c)
  local s = c - 1
  while s > c - 4 and toks[s - 1] and name_word(toks[s - 1]) and not toks[s].sent_start do s = s - 1 end
  local t = toks[s]
  if not (t.cap and t.word) or t.digit or W.function_words[low(t)] or item_end(toks, s) ~= c - 1 then
    return nil
  end
  local items, p = {}, s
  while true do
    local e = item_end(toks, p)
    items[#items + 1] = { p, e }
    local sep = toks[e + 1]
    if not (sep and seps[sep.text]) then break end
    local q = e + 2
    local last = sep.text ~= ","
    if not last and toks[q] and (toks[q].text == "and" or toks[q].text == "or") then
      q, last = q + 1, true
    end
    if not name_word(toks[q]) or W.function_words[low(toks[q])] then break end
    p = q
    if last then
      items[#items + 1] = { p, item_end(toks, p) }
      break
    end
  end
  return #items >= 3 and items or nil
end

-- owner[k]: the entity holding token k before this rule ran; covered[k]:
-- any name holds it now.
list_types = function(a, toks, lists, owner, covered)
  for _, items in ipairs(lists) do
    local firm, kinds_seen, loose, surnamed = {}, 0, {}, {}
    for _, it in ipairs(items) do
      local s, e = it[1], it[2]
      local o = owner[s]
      if o and owner[e] == o and owner[s - 1] ~= o and owner[e + 1] ~= o then
        if o.type == "place" and o.score <= 0.7 and e == s + 1 and W.surname_heads[low(toks[e])] then
          surnamed[#surnamed + 1] = o -- "Tiger Woods" read as a place by its last word
        end
        if o.score >= 0.6 then
          if not firm[o.type] then kinds_seen = kinds_seen + 1 end
          firm[o.type] = (firm[o.type] or 0) + 1
        elseif o.type == "person" and o.score < 0.5 then
          loose[#loose + 1] = it
          it.weak = true
        end
      elseif not o and not owner[e] and not covered[s] and not covered[e] then
        loose[#loose + 1] = it
      end
    end
    -- Among people, a two-word name read as a place only by a last word that
    -- is also a surname is a person: "Jack Nicklaus and Tiger Woods".
    if #surnamed > 0 and (firm.person or 0) >= 2 and (firm.place or 0) == #surnamed
        and kinds_seen == 2 then
      for _, o in ipairs(surnamed) do a:set_entity(o.name, { type = "person" }) end
    end
    if kinds_seen == 1 and #loose > 0 then
      local kind, count = next(firm)
      -- (places: one unknown name among known places, "Kremenchuk, Zaporizhzhia and Odesa")
      if count >= 2 and (kind == "organization" or (kind == "place" and #loose == 1 and count + 1 == #items)) then
        for _, it in ipairs(loose) do
          -- (a name-shaped guess among places stays a person: "Chick Corea, Kansas")
          if it.weak and kind == "place" then goto next_item end
          a:tag_entity { name = a.text:sub(toks[it[1]].i, toks[it[2]].j), type = kind,
                         i = toks[it[1]].i, j = toks[it[2]].j, score = 0.5 }
          ::next_item::
        end
      end
    end
  end
end

return {
  name = "appositions",
  article = function(a)
    local toks = a:tokens()
    local n = #toks
    -- covered[k]: a name found so far holds token k; true, or "weak" when
    -- only a person typed by no cue holds it ("Van Canto" in "the band Van
    -- Canto" is the band: the noun beside it is the stronger cue)
    local covered, place_tok, owner = {}, {}, {}
    for _, e in ipairs(a:entities()) do
      local weak = e.type == "person" and e.score < 0.5
      for _, m in ipairs(e.mentions) do
        local k = W.token_at(toks, m.i)
        while k and toks[k] and toks[k].i <= m.j do
          if not (weak and covered[k]) then covered[k] = weak and "weak" or true end
          if e.type == "place" then place_tok[k] = true end
          owner[k] = e
          k = k + 1
        end
      end
    end
    local function taken(k) return covered[k] == true end
    local function tag(kind, s, e)
      a:tag_entity { name = a.text:sub(toks[s].i, toks[e].j), type = kind,
                     i = toks[s].i, j = toks[e].j, score = 0.5 }
      for p = s, e do covered[p] = true end
    end
    -- s..e as kind when the gazetteer does not know the words; a town it
    -- keeps for a place cue is a place when the cue says "place"
    local function tag_unknown(kind, s, e)
      local canon, pty = places:lookup(a.text:sub(toks[s].i, toks[e].j))
      if not canon then
        tag(kind, s, e)
      elseif kind == "place" and pty == "place" then
        a:tag_entity { name = canon, type = "place", i = toks[s].i, j = toks[e].j, score = 0.7 }
        for p = s, e do covered[p] = true end
      end
    end
    -- a run of up to four capitalized words from s that nobody has typed
    local function run(s)
      if not name_word(toks[s]) or taken(s) or W.function_words[low(toks[s])] then return nil end
      local e = s
      while e < s + 3 do
        local nx = toks[e + 1]
        if name_word(nx) and not taken(e + 1) and (covered[e + 1] == covered[s]) then
          e = e + 1
        elseif nx and nx.text == "/" and nx.i == toks[e].j + 1 and toks[e + 2] and toks[e + 2].cap
            and toks[e + 2].i == nx.j + 1 then
          e = e + 2 -- "Ørsted A/S"
        else
          break
        end
      end
      if toks[e + 1] and toks[e + 1].cap and toks[e + 1].word then return nil end
      if W.titles[low(toks[e])] or W.event_words[low(toks[e])] then return nil end
      return e
    end
    -- the noun closing "is a small village", ", a Richmond-based jazz band"
    local function defining_noun(p)
      for q = p, math.min(p + 5, n) do
        local t = toks[q]
        -- ("a four-piece electro / synth band")
        if not t.word and not (t.text == "/" and q > p) then return nil end
        local kind = t.lower and kinds[t.text]
        if kind then
          local nx = toks[q + 1]
          -- "the company's founder" names no company
          if t.possessive or (nx and (nx.text == "'" or nx.text == "’")) then return nil end
          if nx and nx.word and not W.function_words[low(nx)] and not participles[nx.text] then return nil end
          return kind
        end
      end
      return nil
    end
    -- a capitalized run ending at e that nobody typed (or only a weak person): its start
    local function run_back(e)
      local s = e
      while s > e - 3 and toks[s - 1] and toks[s - 1].word and toks[s - 1].cap and not toks[s].sent_start do
        s = s - 1
      end
      local known = place_tok[s] and place_tok[e]
      for p = s, e do
        local t = toks[p]
        if (taken(p) and not known) or not (t.word and t.cap) or t.digit or W.function_words[low(t)] then
          return nil
        end
      end
      return s, known
    end
    -- "the X region", "the X, Y and Z regions" (k: the noun)
    local function division(k)
      local t = toks[k]
      local head, kind, last = divisions[t.text], "place", k - 1
      if institutions[t.text] then
        kind = "organization"
        local m = toks[k - 1]
        if m and m.lower and institution_mods[m.text] then
          head = m.text:gsub("^%l", string.upper) .. " " .. head
          last = k - 2
        end
      end
      if last > 0 and toks[last].cap then
        local plural = t.text:find("s$") ~= nil
        local found, e = {}, last
        while true do
          local s, known = run_back(e)
          if not s then found = {} break end
          table.insert(found, 1, { s, e, known })
          local b = toks[s - 1]
          if not (plural and b and (b.text == "," or b.text == "and")) then
            -- (one name needs "the" or a possessive before it: "the Volta region")
            if #found == 1 and not (b and b.word and (b.text == "the" or b.possessive)) then found = {} end
            break
          end
          e = s - 2
          if toks[e] and toks[e].text == "," then e = e - 1 end -- ", and"
          if not (toks[e] and toks[e].cap) then found = {} break end
        end
        if (#found >= 2) == plural then
          for _, r in ipairs(found) do
            if r[3] then goto next_run end -- a place already ("Upper East")
            local name = a.text:sub(toks[r[1]].i, toks[r[2]].j)
            a:tag_entity { name = name .. " " .. head, type = kind, alias = name,
                           i = toks[r[1]].i, j = toks[r[2]].j, score = 0.5 }
            for p = r[1], r[2] do covered[p] = true end
            ::next_run::
          end
        end
      end
    end
    -- "in Emden and Zwickau": after a place cue, a name joined by "and" to
    -- a place is one too.
    local function and_place(k)
      if place_tok[k - 1] and not taken(k + 1) then
        local s = k - 1
        while s > 1 and place_tok[s - 1] and owner[s - 1] == owner[k - 1] do s = s - 1 end
        local b = toks[s - 1]
        local e = b and b.word and W.strong_place_preps[low(b)] and run(k + 1)
        if e and not given[toks[k + 1].text] and not W.org_heads[low(toks[e])]
            and not (toks[e + 1] and toks[e + 1].possessive) then
          tag("place", k + 1, e)
        end
      end
    end
    -- A lower-case noun right after a name types it: "his new Jan Suraaj
    -- party", "the Kerem Shalom crossing"; "the Lone Pine fire" is no person.
    local function after_noun(k, kind, e)
      e = e or k - 1
      local ent = owner[e]
      if ent and ent.type == "person" and toks[e].word and toks[e].cap
          and not (toks[k + 1] and toks[k + 1].possessive) and a:entity(ent.name) then
        local m1 = ent.mentions[1]
        if #ent.mentions == 1 and toks[e].j == m1.j then
          if kind == "none" then
            a:drop_entity(ent.name)
          else
            a:set_entity(ent.name, { type = kind })
          end
        end
      elseif kind ~= "none" and not covered[e] and name_word(toks[e]) then
        local s = e
        while s > e - 3 and name_word(toks[s - 1]) and not covered[s - 1] do s = s - 1 end
        if not (W.function_words[low(toks[s])] or W.titles[low(toks[e])] or given[toks[s].text]) then
          tag_unknown(kind, s, e) -- ("on Copacabana beach": a known town)
        end
      else
        return
      end
      -- a plural noun after a list types every name in it: "the A and B mines"
      local s = e
      while s > 1 and toks[s - 1].word and toks[s - 1].cap and not toks[s].sent_start do s = s - 1 end
      local b = toks[s - 1]
      if toks[k].text:find("s$") and b and (b.text == "and" or b.text == ",") and s - 2 > 0
          and toks[s - 2].word and toks[s - 2].cap then
        after_noun(k, kind, s - 2)
      end
    end
    -- "NOUNs such as A, B and C", "NOUNs, including A and B", "NOUNs like A":
    -- untyped names take the noun's type; a person typed by no cue is retyped
    local function examples(k, w)
      local q = k + 1
      if toks[k].text == "such" then
        if not (toks[q] and toks[q].text == "as") then return end
        q = q + 1
      end
      local b = k - 1
      if toks[b] and toks[b].text == "," then b = b - 1 end
      local kind = b >= 1 and toks[b].lower and example_nouns[toks[b].text]
      if not kind and toks[k - 1] and toks[k - 1].text == "," and w ~= "like" then
        -- the noun a few words back, in the same clause: "districts along
        -- the border with Nepal, including X and Y"
        for p = k - 2, math.max(1, k - 9), -1 do
          local t = toks[p]
          if not t.word or t.sent_start then break end
          if t.lower and example_nouns[t.text] then
            kind = example_nouns[t.text]
            break
          end
        end
      end
      if not kind then return end
      while toks[q] do
        if name_word(toks[q]) and not W.function_words[low(toks[q])] then
          local e = q
          while e < q + 3 and name_word(toks[e + 1]) do e = e + 1 end
          local o = owner[q]
          if not covered[q] and not covered[e] then
            if not W.titles[low(toks[e])] then tag_unknown(kind, q, e) end
          elseif o and owner[e] == o and o.type == "person" and o.score < 0.5 and kind ~= "person"
              and a:entity(o.name) then
            a:set_entity(o.name, { type = kind })
          end
          q = e + 1
        else
          return
        end
        local sep = toks[q]
        if not sep or not (sep.text == "," or sep.text == "and" or sep.text == "or") then return end
        q = q + 1
        if toks[q] and (toks[q].text == "and" or toks[q].text == "or") then q = q + 1 end
      end
    end
    local function source(k, w)
      local q = k + 1
      if w == "according" then
        if not (toks[q] and toks[q].text == "to") then return end
        q = q + 1
      else
        local b = toks[k - 1]
        local nouns = w == "by" and source_nouns_by or source_nouns_from
        if not (b and b.lower and nouns[b.text]) then return end
      end
      local f = toks[q]
      if not f or W.titles[low(f)] or given[f.text] then return end
      local e = run(q)
      local name = e and a.text:sub(f.i, toks[e].j)
      -- (not a known name's alias: "according to PennDOT" after "(PennDOT)")
      if e and not places:lookup(name) and not a:entity(name) and not a.text:find("(" .. name .. ")", 1, true)
          and not (toks[e + 1] and toks[e + 1].possessive) then
        tag("organization", q, e)
      end
    end
    for k = math.max(1, n - 1), n do
      if toks[k].lower and divisions[toks[k].text] then division(k) end
    end
    local lists, list_end = nil, 0
    local roads = false -- (a numbered road is rare: look for one only when its word is there)
    for w in pairs(road_words) do
      if a.text:find(w .. " ", 1, true) then roads = true break end
    end
    for k = 1, n - 2 do
      local t = toks[k]
      local w = t.lower and cue_words[t.text] and t.word and t.text
      if t.text == "," then
        if k > list_end and k > 1 and toks[k - 1].cap and toks[k + 1].cap then
          local items = list_at(toks, k)
          if items then
            lists = lists or {}
            lists[#lists + 1] = items
            list_end = items[#items][2]
          end
        end
        if k > 2 and toks[k - 1].lower and kinds[toks[k - 1].text] and toks[k + 1].cap then
          -- "the utility's parent company, PacifiCorp, faces": the name between commas
          local e = run(k + 1)
          if e and toks[e + 1] and toks[e + 1].text == "," and not given[toks[k + 1].text] then
            tag(kinds[toks[k - 1].text], k + 1, e)
          end
        end
      elseif roads and road_words[t.text] and toks[k + 1].digit and not covered[k] then
        -- "Highway 62", "Route 9": a numbered road
        tag("place", k, k + 1)
      end
      if w and example_cues[w] then
        examples(k, w)
      elseif w and source_cues[w] then
        source(k, w)
      end
      if w == "and" then
        and_place(k)
      elseif w and after_nouns[w] and k > 1 then
        after_noun(k, after_nouns[w])
      end
      if w and divisions[w] then division(k) end
      local kind = w and kinds[w]
      if not w then
        if t.text == "," and k > 1 and toks[k + 1].word
            and (toks[k + 1].text == "a" or toks[k + 1].text == "an" or toks[k + 1].text == "the")
            and not taken(k - 1) and toks[k - 1].word and toks[k - 1].cap then
          w = ","
        end
      end
      if not w then
        local _ = 0
      elseif kind == of_kinds and toks[k + 1].text == "of" then
        local e = run(k + 2)
        if not e and place_tok[k + 2] and w:find("s$") then
          -- "the communities of Eagle Point and Trail": the first one known
          e = k + 2
          while place_tok[e + 1] and owner[e + 1] == owner[k + 2] do e = e + 1 end
        elseif e then
          tag(kind, k + 2, e)
        end
        if e then
          while w:find("s$") and toks[e + 1] and (toks[e + 1].text == "," or low(toks[e + 1]) == "and") do
            local q = e + 2
            if toks[q] and low(toks[q]) == "and" then q = q + 1 end
            local e2 = run(q)
            if not e2 then break end
            tag(kind, q, e2)
            e = e2
          end
        end
      elseif member_verbs[w] then
        local v = member_verbs[w]
        local q = k + 1
        if v ~= true then
          q = toks[q] and toks[q].word and v[toks[q].text] and q + 1 or nil
        end
        if q and toks[q] and toks[q].text == "the" then q = q + 1 end
        local e = q and run(q)
        if e and not given[toks[q].text] and not places:lookup(a.text:sub(toks[q].i, toks[e].j)) then
          tag("organization", q, e)
        end
      elseif kind and direct_ok[t.text] then
        local f = toks[k + 1]
        local e = not (W.titles[low(f)] or given[f.text]) and run(k + 1)
        if e then
          tag(kind, k + 1, e)
        elseif toks[k + 1].text == "The" and not taken(k + 1) then
          -- "the band The Newlydeads": the article belongs to the name
          e = run(k + 2)
          if e then tag(kind, k + 1, e) end
        end
      elseif (w == "is" or w == "was" or w == "are" or w == ",")
          and toks[k + 1].word and (low(toks[k + 1]) == "a" or low(toks[k + 1]) == "an"
            or (w == "," and toks[k + 1].text == "the")) and k > 1
          and not taken(k - 1) and toks[k - 1].word and toks[k - 1].cap then
        -- "X is a (small) village", "X , a jazz band": X ends right before
        local s = k - 1
        while s > 1 and s > k - 4 and not toks[s].sent_start and toks[s - 1].word and toks[s - 1].cap
            and not taken(s - 1) do
          s = s - 1
        end
        local b = toks[s - 1]
        local opens = toks[s].sent_start or (b and not b.word) or (w == "," and b and b.lower and b.word
          and not W.function_words[low(toks[s])])
        local dkind = opens and defining_noun(k + 2)
        -- "The Rashtriya Janata Dal, the largest party": the name starts after "The"
        if dkind and toks[s].sent_start and s < k - 1 and low(toks[s]) == "the" then s = s + 1 end
        if dkind and t.text ~= "," or (dkind and dkind == "organization") then
          if not W.function_words[low(toks[s])] and not W.titles[low(toks[k - 1])] then
            tag(dkind, s, k - 1)
          end
        end
      end
    end
    if lists then list_types(a, toks, lists, owner, covered) end
  end,
}
