-- Organizations the names rule cannot see from a run of capitalized words:
-- numbered units ("65 Air Division", "139th Infantry", "Fourth Air Force",
-- "No. 18 Squadron"), broadcasters' call signs ("6PR", "3AW"), and later
-- mentions by a bare head word ("the League" after "Australian League of
-- Rights").
local W = require("newsnames")

local unit_heads = W.set {
  "wing", "force", "corps", "division", "fleet", "squadron", "brigade", "regiment",
  "battalion", "army", "group", "command", "infantry", "artillery", "cavalry", "flotilla",
  "guards", "rifles", "fusiliers", "dragoons", "hussars", "lancers", "grenadiers",
}

-- Lower-case words that make an article a military history
local military_words = W.set { "regiment", "regiments", "brigade", "brigades", "battalion", "battalions",
  "infantry", "cavalry", "squadron", "squadrons", "corps", "division", "divisions", "artillery" }
local unit_names = { "Squadron", "Regiment", "Brigade", "Battalion", "Infantry", "Cavalry", "Artillery" }
-- and words after "the 139th" that make it the unit: "The 139th was formed"
local unit_verbs = W.set { "was", "were", "is", "had", "has", "along", "also", "then", "later" }

local ordinals = W.set {
  "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
  "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
  "seventeenth", "eighteenth", "nineteenth", "twentieth",
}

local low = W.low

local places = nutgraf.gazetteer("../data/places.tsv", { type = "place" })
local given = nutgraf.words("../data/given-names.txt")
local orgs = nutgraf.gazetteer("../data/organizations.tsv", { type = "organization" })

-- Words that only a company or an institution has, after "X's" ("Veltrix's
-- chief executive", "Quorvant's shareholders") or right after the name
-- ("a Quorvant spokesperson", "Veltrix shares fell").
local owned_nouns = W.set {
  "shareholders", "headquarters", "subsidiary", "subsidiaries", "spokesperson", "spokesman",
  "spokeswoman", "employees", "executives", "ceo", "cfo", "revenue", "revenues",
  "profit", "profits", "earnings", "customers", "founder", "co-founder", "stock", "products",
  "factory", "factories", "plant", "plants", "website", "app", "platform", "subscribers",
  "workforce", "chief", "parent", "unit", "division",
}
local after_nouns = W.set {
  "spokesperson", "spokesman", "spokeswoman", "shares", "shareholders", "stock", "executives",
  "employees", "headquarters", "subscribers",
}
-- words before an office that are no company: "Former CEO", "Interim Chief Executive"
local office_adjectives = W.set { "former", "interim", "acting", "longtime", "incoming", "outgoing",
  "current", "founding", "then", "ex", "joint", "co", "group", "company", "corporate", "global" }
-- Branches numbered after an organization's name: "Teamsters Local 710"
local numbered_units = W.set { "Local", "Lodge", "Chapter" }

-- A legislature named by its kind alone, capitalized mid-sentence
local legislatures = W.set { "Parliament", "Legislature", "Congress", "Senate" }

-- "Veltrix CEO Dana Whitfield": officers only companies have
local officer_words = W.set { "CEO", "CFO", "COO", "CTO" }
-- "chief executive", not "chief of staff"
local chief_next = W.set { "executive", "financial", "operating", "technology", "economist" }
-- "shares of X", "a spokeswoman for X", "analysts at X": nouns, then the preposition
local before_pairs = {
  shares = W.set { "of", "in" }, stake = W.set { "in" }, subsidiary = W.set { "of" },
  unit = W.set { "of" }, takeover = W.set { "of" }, acquisition = W.set { "of" },
  lawsuit = W.set { "against" }, employees = W.set { "of", "at" }, workers = W.set { "at" },
  executives = W.set { "at" }, analyst = W.set { "at" }, analysts = W.set { "at" },
  economist = W.set { "at" }, economists = W.set { "at" }, strategist = W.set { "at" },
  strategists = W.set { "at" }, researchers = W.set { "at" }, customers = W.set { "of" },
  spokesperson = W.set { "for" }, spokesman = W.set { "for" }, spokeswoman = W.set { "for" },
  ceo = W.set { "of" }, founder = W.set { "of" }, ["co-founder"] = W.set { "of" },
  shareholders = W.set { "of", "in" }, owner = W.set { "of" }, maker = W.set { "of" },
  job = W.set { "at" }, internship = W.set { "at" },
}
-- "X is headquartered in Austin", "X was incorporated in Delaware"
local company_verbs = W.set { "headquartered", "incorporated" }
-- "Cascade Timberlands, LLC", "Acme Holdings, Inc."
local legal_forms = W.set { "Inc.", "Inc", "LLC", "Ltd.", "Ltd", "Limited", "Corp.", "Corp", "Co.",
  "PLC", "plc", "AG", "GmbH", "S.A.", "SA", "N.V.", "NV", "LLP", "LP", "Pty" }

-- "X said in a statement", "X said its ...": said, then one of these
local statement_words = W.set { "statement", "filing", "release", "its" }

-- Verbs that make a city its team in a sports report, with the word that
-- may follow them: "played for X", "beat X", "lost to X".
local team_verbs = {
  played = W.set { "for", "with" }, playing = W.set { "for", "with" }, plays = W.set { "for", "with" },
  signed = W.set { "with", "for", "by" }, coached = true, coaching = true, coaches = true,
  joined = true, joining = true, traded = W.set { "to" }, loaned = W.set { "to" },
  transferred = W.set { "to" }, drafted = W.set { "by" }, beat = true, beating = true,
  defeated = true, defeating = true, edged = true, routed = true, lost = W.set { "to" },
  losing = W.set { "to" }, against = true, versus = true,
  knocked = W.set { "out" }, eliminated = true, thrashed = true, crushed = true, overcame = true,
  stunned = true, upset = true, swept = true, downed = true, toppled = true, outplayed = true,
  -- "defending champions Australia", "hosts India", "their rivals England"
  champions = true, holders = true, hosts = true, rivals = true, opponents = true,
}
-- Nouns of a player's record before the team: "26 games for Lausanne",
-- "his debut for Leeds", "two seasons with Rochester".
local record_nouns = {
  games = W.set { "for", "with" }, appearances = W.set { "for" }, goals = W.set { "for" },
  debut = W.set { "for", "with" }, season = W.set { "with", "for" }, seasons = W.set { "with", "for" },
  stint = W.set { "with", "at" }, spell = W.set { "with", "at" }, career = W.set { "with" },
}
-- and the results a team is the subject of: "Tulsa beat Memphis", "Bowling
-- Green finished 8-5"
local team_after = W.set { "finished", "won", "lost", "scored", "trailed", "rallied", "clinched",
  "advanced", "beat", "defeated", "edged", "routed", "stunned", "thrashed", "crushed", "eliminated",
  "knocked", "upset", "overcame", "swept", "downed", "toppled", "outplayed" }

-- Words after a known organization's name that name one of its arms:
-- "CBS Cable", "BBC Radio", "Sony Pictures" (and a number after a
-- broadcaster's arm: "BBC Radio 1").
local arm_words = W.set { "Cable", "Radio", "Television", "TV", "News", "Sports", "Records", "Music",
  "Films", "Pictures", "Studios", "Entertainment", "Publishing", "Books", "Channel", "Network",
  "Networks", "Foundation", "Capital", "Ventures", "Securities", "Cargo", "Labs", "Research",
  "Interactive", "Games", "Digital", "Productions", "Broadcasting", "Communications" }
local numbered_arms = W.set { "Radio", "TV", "Television", "Channel" }
-- a league's divisions in a sports report: "the MAC East", "the AFC West"
local compass_arms = W.set { "East", "West", "North", "South", "Central" }

-- What a company does after its name: "X manufactures", "X was founded in"
-- (two such cues retype a one-word name taken for a person's surname)
local company_after = W.set { "manufactures", "manufactured", "employs", "went" }
local company_passive = W.set { "founded", "acquired", "incorporated", "listed", "delisted", "headquartered" }

-- Heads of institutions' names the names rule does not know:
-- "Carnegie Institution", "American Scientific Affiliation"
local extra_heads = W.set { "Institution", "Affiliation", "Fellowship", "Brotherhood" }
-- Newspapers named by a pair of mastheads: "Austin American-Statesman",
-- "Fort Worth Star-Telegram", "St. Louis Post-Dispatch"
local mastheads = W.set { "Star", "Telegram", "Post", "Dispatch", "Journal", "Constitution", "Times",
  "Tribune", "Herald", "Gazette", "Statesman", "Picayune", "Courier", "Sentinel", "Register", "Enterprise",
  "Chronicle", "Observer", "News", "Press", "Democrat", "Republican", "Record", "Bulletin", "Leader",
  "Ledger", "Mail", "Examiner", "Standard", "Argus", "Citizen", "Eagle", "Beacon", "Inquirer", "Union" }

-- Capitalized words that start a sentence, not a name ("Attended James High
-- School"), and that cannot end one ("the Perth Glory From 2006")
local lead_verbs = W.set { "Attended", "Joined", "Graduated", "Visited", "Entered", "Left", "Coached", "Played",
  "Managed", "Led", "Joining", "Attending", "Leaving", "Rejoined" }
local lead_roles = W.set { "Co-founder", "Founder", "Co-founders", "Founders", "Member", "Members", "Chairman",
  "Chairwoman", "Spokesman", "Spokeswoman", "Spokesperson" }
local trail_words = W.set { "From", "In", "At", "On", "With", "By", "To", "Into", "Since", "During" }

-- A minor-league level before a club: "AAA Syracuse", "Triple-A Durham", "AA Orlando Rays"
local minor_levels = W.set { "AAA", "AA", "Triple-A", "Double-A", "Single-A", "High-A", "Low-A" }

-- Nouns of periodicals right before the name: "the scientific journal X"
local periodicals = W.set { "journal", "periodical", "quarterly", "tabloid", "broadsheet", "weekly" }

-- Definitions whose subject the names rule cannot read as one name, with
-- digits and small words in it ("30 Seconds to Mars (or Thirty Seconds to
-- Mars) is an alternative rock band"), or a long description before the noun
-- ("Crazyhead are an English punk rock / garage rock band")
local def_kinds = W.set { "band", "group", "company", "firm", "label", "club", "team", "party", "newspaper",
  "magazine", "airline", "retailer", "chain", "manufacturer", "maker", "publisher", "broadcaster",
  "charity", "orchestra", "duo", "trio", "quartet", "ensemble", "choir", "organisation", "organization",
  "corporation", "conglomerate", "startup", "insurer", "supergroup", "service", "operator", "provider",
  "agency", "association", "society", "nonprofit", "cooperative" }
-- and nouns beside a name between commas: "by American rock band, Eels.",
-- "Budjana started Squirrel, his first jazz band"
local appos_kinds = W.set { "band", "label", "company", "firm", "club", "team", "newspaper", "magazine", "duo",
  "trio", "quartet", "orchestra" }
local owner_pronouns = W.set { "his", "her", "their" }
local def_inner = W.set { "to", "of", "the", "and", "for", "&", "on", "in", "a", "at" }
local def_verbs = W.set { "is", "are", "was", "were" }
local def_alts = W.set { "or", "also", "formerly", "aka" }

-- A party named by its adjective before one of these: "a Liberal MP",
-- "the Labor government", "sat with the Liberal caucus" (not "Labor
-- Secretary", "Justice Minister": offices, not members).
local party_members = W.set { "caucus", "mp", "mps", "mpp", "mpps", "mla", "mlas", "mep", "meps",
  "msp", "msps", "td", "tds", "candidate", "candidates", "member", "members", "backbencher",
  "backbenchers", "frontbencher", "government", "leader", "leadership", "lawmaker", "lawmakers",
  "politician", "politicians", "senator", "senators", "congressman", "congresswoman", "councillor",
  "councillors", "councilor", "voters", "supporters", "activists", "stronghold", "seat", "seats",
  "majority", "primary", "nomination", "nominee", "whip", "donors", "parties" }

-- (not "Congress members", "the Centre government", "the National government":
-- a legislature or a state, not the party of that name)
local not_party_words = W.set { "Centre", "Center", "National", "Alliance", "Union", "Federal", "Unity" }
-- (and the members' titles written in capitals)
local party_titles = W.set { "MP", "MPs", "MPP", "MPPs", "MLA", "MLAs", "MEP", "MEPs", "MSP", "MSPs", "TD", "TDs" }

-- Capitalized words read after the pass (the offset of the token to read)
local late_caps = { ["No."] = 0 }
for _, list in ipairs { extra_heads, minor_levels } do
  for w in pairs(list) do late_caps[w] = 0 end
end
for w in pairs(party_titles) do late_caps[w] = -1 end

-- A list after one of these names organizations: "bands like X, Y and Z",
-- "companies such as X and Y", "major clients include X, Y".
local list_heads = W.set { "bands", "companies", "firms", "clients", "customers", "labels",
  "brands", "retailers", "teams", "clubs", "networks", "broadcasters", "banks", "lenders",
  "airlines", "carriers", "manufacturers", "automakers", "carmakers", "publishers", "newspapers",
  "chains", "insurers", "sponsors", "periodicals", "publications", "magazines" }
-- "X, Y and several other bands"
local list_quantities = W.set { "several", "many", "some", "numerous", "various", "two", "three", "four" }
local list_openers = W.set { "like", "include", "includes", "included", "including", "such" }
-- "the sixth album by X": a band, when X is no name-shaped guess at a
-- person (a song or a single is as often a singer's)
local works = W.set { "album", "albums" }
-- a band's members before "of"/"for"/"with": "the drummer of The Zutons"
local band_roles = W.set { "drummer", "guitarist", "bassist", "frontman", "frontwoman", "vocalist",
  "keyboardist" }
-- "the Paper Mate brand": a lower-case noun after the name
local brand_nouns = W.set { "brand", "brands" }

-- every lower-case word that starts one of the cues above, for a quick test
local cue_words = { said = true }
for _, list in ipairs { owned_nouns, after_nouns, before_pairs, company_verbs, team_verbs, record_nouns,
  team_after, list_heads, works, periodicals, band_roles, brand_nouns, party_members, appos_kinds, def_kinds } do
  for w in pairs(list) do cue_words[w] = true end
end
cue_words.supporting, cue_words.supported, cue_words.other = true, true, true

-- Words that say an article is a sports report: "the Bruins", "the Knicks"
-- are teams there.
local sport_words = W.set {
  "game", "games", "season", "coach", "scored", "beat", "defeated", "points", "innings",
  "inning", "goal", "goals", "playoff", "playoffs", "quarterback", "pitcher", "striker",
  "match", "league", "tournament", "rebounds", "assists", "touchdown", "touchdowns",
  "halftime", "overtime", "roster", "draft", "victory", "win", "loss", "standings",
  "championship", "team", "teams", "fans", "seasons", "footballer", "cricketer", "coached",
  "midfielder", "goalkeeper", "quarterback", "shortstop", "inning",
  "wicket", "wickets", "semifinal", "semifinals", "quarterfinal", "quarterfinals", "semi-final",
  "quarter-final", "captain", "batting", "bowling", "qualifier", "qualifiers", "knockout",
}
-- plural capitalized words after "the" that are not teams
local not_teams = W.set {
  "olympics", "paralympics", "games", "oscars", "grammys", "emmys", "tonys", "finals",
  "playoffs", "democrats", "republicans", "tories", "americans", "greens", "socialists",
  "liberals", "conservatives", "nationals", "states", "islands", "alps", "rockies", "andes",
  "himalayas", "balkans", "midlands", "highlands", "isles", "netherlands", "philippines",
  "bahamas", "maldives", "seychelles", "comoros", "emirates", "commons", "lords", "times",
  "news", "gospels", "beatles", "jews", "muslims", "christians", "catholics", "hindus",
  "coaches", "players", "fans", "owners", "umpires", "referees",
}

-- "65", "139th", "2d", "IV", "Fourth": a unit's number.
local function unit_number(t)
  if not (t and t.word) then return false end
  local w = t.text
  return w:find("^%d+$") or w:find("^%d+%a%a?$") or w:find("^[IVXL]+$") or
      (t.cap and ordinals[w:lower()]) or false
end

return {
  name = "organizations",
  article = function(a)
    local toks = a:tokens()
    local n = #toks
    local covered, owner = {}, {}
    local units = {} -- numbered units named by this rule ("82nd Airborne Division")
    local arms = {} -- organizations' mentions followed by a word
    local to_cut = {} -- organizations whose names start or end with a word of no name
    local ents = a:entities()
    for _, e in ipairs(ents) do
      for _, m in ipairs(e.mentions) do
        local k = W.token_at(toks, m.i)
        if k then
          -- a numbered unit: the number belongs to the name
          local kj = k
          while toks[kj + 1] and toks[kj].j < m.j do kj = kj + 1 end
          for p = k, kj do
            covered[p] = true
            if not owner[p] or owner[p].score < e.score then owner[p] = e end
          end
          if e.type == "organization" and k < kj and (lead_verbs[toks[k].text] or lead_roles[toks[k].text]
              or trail_words[toks[kj].text]) then
            to_cut[e] = true -- "Attended James High School", read below
          end
          local an = e.type == "organization" and toks[kj + 1]
          if an and (an.cap or an.digit) and an.word and toks[kj].j == m.j and not an.sent_start then
            arms[#arms + 1] = k -- "CBS Cable", read below (three numbers an arm)
            arms[#arms + 1] = kj
            arms[#arms + 1] = m.i
          end
          local the = toks[k - 1]
          local before = toks[k - 2]
          if e.type == "organization" and the and the.text == "The" and not the.sent_start
              and before and before.word and before.lower then
            -- "at The Hockey News": a capital "The" after a lower-case word is part of the name
            a:tag_entity { name = e.name, type = "organization", i = the.i, j = m.j, score = 0.7 }
          end
          if e.type == "place" and toks[kj + 2] and toks[kj + 2].text == "Fame" and low(toks[kj]) == "hall"
              and toks[kj + 1].text == "of" then
            -- "the Hockey Hall of Fame" is an institution
            a:tag_entity { name = a.text:sub(m.i, toks[kj + 2].j), type = "organization",
                           i = m.i, j = toks[kj + 2].j, score = 0.7 }
          end
          if e.type == "organization" then
            -- "Teamsters Local 710", "Fraternal Order of Police Lodge 141"
            local u = kj
            if toks[u + 1] and numbered_units[toks[u + 1].text] then u = u + 1 end
            local num = toks[u + 1]
            if numbered_units[toks[u].text] and num and num.text:find("^%d+$") and not num.sent_start then
              a:tag_entity { name = a.text:sub(m.i, num.j), type = "organization", i = m.i, j = num.j, score = 0.8 }
            end
          end
          if e.type == "organization" and unit_heads[low(toks[kj])] then
            local s = k
            if unit_number(toks[s - 1]) then s = s - 1 end
            if toks[s - 1] and toks[s - 1].text == "No." then s = s - 1 end
            if s < k then
              local name = a.text:sub(toks[s].i, m.j)
              a:tag_entity { name = name, type = "organization", i = toks[s].i, j = m.j, score = 0.7 }
              units[#units + 1] = name
            end
          end
        end
      end
    end
    -- "the League", "the Army": a bare head word after "the" is a later
    -- mention of the one organization of the article whose name holds it.
    -- "Halvard" after "Halvard Freight Inc.": the short form of the one
    -- organization whose name it starts.
    local head_of, short, person_part = {}, {}, {}
    local heads_of = {} -- head word -> the organizations whose names hold it
    -- the organization holding head word w that was named last before byte i
    local function last_named(w, i)
      local best, at = nil, -1
      for _, e in ipairs(heads_of[w] or {}) do
        for _, m in ipairs(e.mentions) do
          if m.i < i and m.i > at then best, at = e.name, m.i end
        end
      end
      return best
    end
    for _, e in ipairs(ents) do
      if e.type == "organization" then
        for w in e.name:gmatch("%u%l+") do
          if W.org_heads[w:lower()] then
            head_of[w] = (head_of[w] == nil or head_of[w] == e.name) and e.name or false
            local l = heads_of[w] or {}
            heads_of[w] = l
            l[#l + 1] = e
          end
        end
        local w = e.name:match("^(%S+) ")
        if w then short[w] = (short[w] == nil) and e.name or false end
      elseif e.type == "person" and e.score >= 0.5 then
        for w in e.name:gmatch("%S+") do person_part[w] = true end
      end
    end
    local common = W.lower_words(toks)
    -- In a sports report "the Bruins" is a team (counted when first needed).
    local sport
    local function sport_report()
      if not sport then
        -- (a story filed under sports is one)
        sport = type(a.section) == "string" and a.section:lower():find("^sport") and 3 or 0
        for w in pairs(common) do
          if sport_words[w] then sport = sport + 1 end
        end
      end
      return sport >= 3
    end

    -- May the run s..e be typed an organization? Not over a known name, a
    -- person, a place, a title or an everyday word.
    local function free_run(s, e)
      if s > e or e - s > 3 then return false end
      for p = s, e do
        local t = toks[p]
        if not (t.word and t.cap) or person_part[t.text] then return false end
        local o = owner[p]
        if o and not (o.type == "person" and o.score < 0.5) then return false end
      end
      local first, last = low(toks[s]), low(toks[e])
      if W.function_words[first] or W.titles[first] or W.titles[last] or common[first] or common[last]
          or office_adjectives[first]
          or (given[toks[s].text] and s < e) then
        return false
      end
      return not places:lookup(a.text:sub(toks[s].i, toks[e].j))
    end
    local function org(s, e)
      if free_run(s, e) then
        local name = a.text:sub(toks[s].i, toks[e].j)
        a:tag_entity { name = short[name] or name, type = "organization",
                       i = toks[s].i, j = toks[e].j, score = 0.6 }
        for p = s, e do covered[p] = true end
      end
    end
    -- the capitalized words ending at e (at most four)
    local function back(e)
      local s = e
      while s > e - 3 and toks[s - 1] and toks[s - 1].word and toks[s - 1].cap and not toks[s].sent_start do
        s = s - 1
      end
      while s < e and W.function_words[low(toks[s])] do s = s + 1 end
      return s
    end
    -- the capitalized words from s (at most four)
    local function fwd(s)
      local e = s
      while e < s + 3 and toks[e + 1] and toks[e + 1].word and toks[e + 1].cap and not toks[e + 1].sent_start do
        e = e + 1
      end
      return e
    end

    -- In a sports report a city after "played for", "beat" or "lost to" is
    -- its team: "coached North Melbourne", "losing to Tulsa 63-7".
    local function team(q)
      local t = q and toks[q]
      if not (t and t.word and t.cap and not t.upper and sport_report()) then return end
      local o, e = owner[q], q
      if o then
        if o.type ~= "place" or (toks[q - 1] and owner[q - 1] == o) then return end
        while owner[e + 1] == o do e = e + 1 end
      else
        -- a later mention nobody tagged yet: the longest known place from q
        e = fwd(q)
        while e >= q and not (a:entity(a.text:sub(t.i, toks[e].j)) or places:lookup(a.text:sub(t.i, toks[e].j))) do
          e = e - 1
        end
        if e < q then return end
        local text = a.text:sub(t.i, toks[e].j)
        o = a:entity(text)
        if o and o.type ~= "place" then return end
        o = o or { name = places:lookup(text), mentions = {} }
      end
      local _, _, kind = places:lookup(o.name)
      if not kind then _, _, kind = places:lookup(o.name:match("(%S+)$")) end -- "North Melbourne"
      local national = kind == "country" or kind == "nation"
      if kind ~= "city" and kind ~= "town" and not national then return end
      for _, m in ipairs(o.mentions) do
        -- the city of the dateline ("NEW YORK (AP) --") stays a place
        local d = toks[W.token_at(toks, m.i) or q]
        if d.upper and #d.text > 1 then return end
        -- a national side, unless the country is also a place here ("in England")
        local b = toks[(W.token_at(toks, m.i) or q) - 1]
        if national and b and b.word and (W.strong_place_preps[low(b)] or low(b) == "from") then
          return
        end
      end
      a:tag_entity { name = o.name, type = "organization", i = t.i, j = toks[e].j, score = 0.95 }
      for p = q, e do covered[p] = true end
      -- "played with Footscray and North Melbourne"
      if toks[e + 1] and toks[e + 1].text == "and" then team(e + 2) end
    end
    -- A name in a list or after a cue that says "organization": typed so
    -- unless a firmer cue typed it (a name-shaped guess at a person does not
    -- count), it is a known place or a given name starts it. "The" may
    -- start a band's name ("The Stooges"). Returns the item's last token.
    local function org_item(q, guess_ok)
      if toks[q] and toks[q].text == "the" then q = q + 1 end
      local t = toks[q]
      if not (t and t.word and t.cap and not t.sent_start) then return nil end
      local known = owner[q]
      if known and not (known.type == "person" and known.score < 0.5) then
        -- typed already: the list goes on after it
        local e = q
        while owner[e + 1] == known do e = e + 1 end
        return e
      end
      local s = q
      if t.text == "The" and toks[q + 1] and toks[q + 1].cap and toks[q + 1].word then q = q + 1 end
      local e = fwd(q)
      local o = owner[s] or owner[q]
      for p = s, e do
        local op = owner[p]
        if not toks[p].word or person_part[toks[p].text] or (op and (op ~= o or op.type ~= "person" or op.score >= 0.5))
            or (p > q and W.function_words[low(toks[p])]) or (op and not guess_ok) then
          return nil
        end
      end
      if toks[e + 1] and toks[e + 1].text == "/" then return nil end -- "KaVo / Gendex"
      if o and (owner[s - 1] == o or owner[e + 1] == o) then return nil end
      local name = a.text:sub(toks[s].i, toks[e].j)
      if (W.function_words[low(toks[q])] and not (W.name_starters[low(toks[q])] and q < e))
          or W.titles[low(toks[e])] or (given[toks[q].text] and q < e)
          or places:lookup(name) then
        return e
      end
      a:tag_entity { name = name, type = "organization", i = toks[s].i, j = toks[e].j, score = 0.6 }
      for p = s, e do covered[p] = true end
      return e
    end
    -- The items of a list that ends at token p ("X, Y and Z"): their first
    -- tokens, and whether one of them is a known organization
    local function items_back(p)
      local items, known = {}, false
      while toks[p] and toks[p].word and toks[p].cap do
        local s = back(p)
        local b0 = toks[s - 1]
        if b0 and b0.cap and b0.word and (b0.text == "The" or W.name_starters[low(b0)]) and not toks[s].sent_start then
          s = s - 1 -- "The Cult", "First Great Western"
        end
        local b = toks[s - 1]
        -- (not the end of "The Receiving End of Sirens")
        if b and b.word and b.lower and (b.text == "of" or b.text == "for" or W.particles[b.text]) then break end
        items[#items + 1] = s
        local o = owner[p]
        if o and o.type == "organization" and o.score >= 0.5 then known = true end
        p = s - 1
        if not (toks[p] and (toks[p].text == "," or toks[p].text == "and")) then break end
        p = p - 1
        if toks[p] and toks[p].text == "," then p = p - 1 end
      end
      return items, known
    end
    local function org_list(q, guess_ok)
      while true do
        local e = org_item(q, guess_ok)
        local sep = e and toks[e + 1]
        if not (sep and (sep.text == "," or sep.text == "and" or sep.text == "or")) then return end
        q = e + 2
        if sep.text == "," and toks[q] and (toks[q].text == "and" or toks[q].text == "or") then q = q + 1 end
      end
    end
    -- A military history: numbers name units there ("the 139th fought").
    -- It writes unit words in lower case or names a unit ("No. 18 Squadron").
    local mil
    local function military()
      if mil == nil then
        mil = false
        for w in pairs(military_words) do
          if common[w] then
            mil = true
            break
          end
        end
        for _, w in ipairs(unit_names) do
          if mil then break end
          mil = a.text:find(w, 1, true) ~= nil
        end
      end
      return mil
    end
    local bare_numbers = {} -- "the 82nd", read after the pass
    local defs, late = {}, {} -- definitions; "&", "No.", "X Institution", "Liberal MP": read after
    do
      -- "American-Statesman": from each hyphen between a lower-case and a capital letter
      local text, p = a.text, 1
      while true do
        p = text:find("-", p + 1, true)
        if not p then break end
        local b = text:byte(p + 1)
        if b and b >= 65 and b <= 90 then
          local second = text:match("^%u%l+", p + 1)
          if second and mastheads[second] then
            -- the token holding the hyphen: the last one starting before it
            local lo, hi = 1, n
            while lo < hi do
              local mid = (lo + hi + 1) // 2
              if toks[mid].i <= p then lo = mid else hi = mid - 1 end
            end
            if toks[lo].j >= p then late[#late + 1] = lo end
          end
        end
      end
    end
    -- One pass: company words around unknown names, "the" + head word or
    -- team, call signs and numbered units.
    for k = 1, n do
      local t = toks[k]
      if not t.word then
        if t.text == "&" and k > 1 and k < n - 1 then late[#late + 1] = k end -- "Hootie & the Blowfish"
      elseif t.lower or (t.sent_start and t.cap and before_pairs[low(t)]) then
        -- (a sentence may open with the cue: "Analysts at Bernstein said")
        local w, c, nx = t.lower and t.text or low(t), toks[k - 1], toks[k + 1]
        local cue = cue_words[w] and c and nx
        if not cue then
          local _ = 0
        elseif team_verbs[w] then
          local q = k + 1
          if team_verbs[w] ~= true then q = team_verbs[w][nx.text] and k + 2 end
          if q and toks[q] and toks[q].text == "the" then q = nil end
          team(q)
          if team_after[w] and c.cap then team(back(k - 1)) end
        elseif c.cap and c.word and after_nouns[w] then
          org(back(k - 1), k - 1)
        elseif c.possessive and owned_nouns[w] and toks[k - 2] and toks[k - 2].cap
            and (w ~= "chief" or (nx.lower and chief_next[nx.text])) then
          org(back(k - 2), k - 2)
        elseif w == "said" and c.cap and c.word and nx.lower and (statement_words[nx.text]
            or (toks[k + 3] and nx.text == "in" and statement_words[toks[k + 3].text])) then
          org(back(k - 1), k - 1)
        elseif company_verbs[w] and (c.text == "was" or c.text == "is") and toks[k - 2]
            and toks[k - 2].cap and toks[k - 2].word and not toks[k - 2].possessive then
          -- "Veltrix is headquartered in Austin"
          org(back(k - 2), k - 2)
        elseif before_pairs[w] and nx.lower and before_pairs[w][nx.text] then
          local q = k + 2
          if toks[q] and toks[q].text == "the" then q = q + 1 end
          if toks[q] and toks[q].cap and not toks[q].sent_start then org(q, fwd(q)) end
        elseif record_nouns[w] and nx.lower and record_nouns[w][nx.text] then
          -- "26 games for Lausanne"
          team(k + 2)
        elseif team_after[w] and c.cap and c.word then
          -- "Bowling Green finished the season 8-5" (but in "Coco Gauff of
          -- the United States won" the winner is no country)
          local q = back(k - 1)
          local b = toks[q - 1]
          if b and b.text == "the" then b = toks[q - 2] end
          if not (b and b.word and W.function_words[low(b)]) then team(q) end
        elseif list_heads[w] and (list_openers[nx.text] or (nx.text == "," and toks[k + 2]
            and list_openers[toks[k + 2].text])) then
          -- "bands like X, Y and Z", "companies such as X", "periodicals, including X"
          local q = nx.text == "," and k + 3 or k + 2
          if toks[q - 1].text == "such" then q = (toks[q] and toks[q].text == "as") and q + 1 or nil end
          if q then org_list(q, true) end
        elseif w == "other" and (c.text == "and" or c.text == "," or (list_quantities[c.text] and toks[k - 2]
            and (toks[k - 2].text == "and" or toks[k - 2].text == ","))) then
          -- "X, Y, Z and several other bands", "Apple, Google and other companies"
          local q = k + 1
          while q < k + 3 and toks[q] and toks[q].lower and not list_heads[toks[q].text] do q = q + 1 end
          if toks[q] and toks[q].lower and list_heads[toks[q].text] then
            local p = list_quantities[c.text] and k - 3 or k - 2
            while toks[p] and toks[p].text == "," do p = p - 1 end
            for _, it in ipairs(items_back(p)) do org_item(it, true) end
          end
        elseif list_heads[w] and c.word and k > 2 and not W.function_words[c.text] then
          -- "the ISAP, ILPAP and ETHEL companies", "the South West Trains, Southern,
          -- and First Great Western train operating companies": a list with a
          -- known organization in it, then the noun
          local p = k - 1
          if c.lower and toks[p - 1] and toks[p - 1].lower and not W.function_words[toks[p - 1].text] then
            p = p - 1
          end
          if c.lower then p = p - 1 end
          if toks[p] and toks[p].cap and toks[p].word then
            local items, known = items_back(p)
            if known and #items >= 2 then
              for _, it in ipairs(items) do org_item(it, true) end
            end
          end
        elseif band_roles[w] and nx.lower and (nx.text == "of" or nx.text == "for" or nx.text == "with") then
          -- "the drummer of The Zutons"
          org_item(k + 2)
        elseif brand_nouns[w] and c.cap and c.word and not covered[k - 1] then
          -- "the Paper Mate brand"
          local s = back(k - 1)
          if toks[s - 1] and toks[s - 1].text == "the" then org(s, k - 1) end
        elseif (w == "supporting" or (w == "supported" and nx.text == "by")) and (common.tour or common.band) then
          -- on tour: "supporting The Cult" (a capital "The" mid-sentence starts a
          -- band's name; "supporting Iggy Pop" may be a singer)
          local q = w == "supported" and k + 2 or k + 1
          if toks[q] and toks[q].text == "The" then org_item(q) end
        elseif works[w] and nx.text == "by" then
          -- "the sixth album by X"
          org_item(k + 2)
        elseif party_members[w] and c.cap and k > 2 then
          late[#late + 1] = k - 1 -- "the Liberal caucus"
        elseif periodicals[w] and (nx.cap or (nx.text == "," and toks[k + 2] and toks[k + 2].cap)) then
          -- "the scientific journal X", "the literary quarterly, X"
          org_item(nx.cap and k + 1 or k + 2)
        end
        if cue and def_kinds[w] and c.lower then
          -- "X is an alternative rock band": back over the noun's words to "is a"
          -- (read below)
          local q = k - 1
          while q > k - 9 and toks[q] and (toks[q].word or toks[q].text == "/" or toks[q].text == "-")
              and not W.function_words[low(toks[q])] do
            q = q - 1
          end
          local ar, v = toks[q], toks[q - 1]
          if ar and (ar.text == "a" or ar.text == "an") and v and def_verbs[v.text] then defs[#defs + 1] = q - 1 end
        end
        if cue and appos_kinds[w] and not t.possessive then
          if nx.text == "," and toks[k + 2] and toks[k + 2].cap and not toks[k + 2].sent_start then
            -- "a single by American rock band, Eels."
            local after = toks[fwd(k + 2) + 1]
            if after and (after.text == "." or after.text == ",") then org_item(k + 2) end
          elseif common.his or common.her or common.their then
            -- "Squirrel, his first jazz band": back over the noun's words to the pronoun
            local q = k - 1
            while q > k - 4 and toks[q] and toks[q].lower and not owner_pronouns[toks[q].text] do q = q - 1 end
            local pr, cm = toks[q], toks[q - 1]
            if pr and owner_pronouns[pr.text] and cm and cm.text == ","
                and toks[q - 2] and toks[q - 2].cap and toks[q - 2].word then
              local s = back(q - 2)
              if not toks[s].sent_start or s < q - 2 then org_item(s) end
            end
          end
        end
      elseif k > 1 and toks[k - 1].cap and toks[k - 1].word and not toks[k - 1].possessive
          and (officer_words[t.text] or (t.text == "Chief" and toks[k + 1] and chief_next[low(toks[k + 1])])) then
        -- "Veltrix CEO Dana Whitfield", "Veltrix Chief Executive Dana Whitfield"
        org(back(k - 1), k - 1)
      elseif t.cap and legal_forms[t.text] and k > 2 and toks[k - 1].text == "," and toks[k - 2].cap then
        -- "Cascade Timberlands, LLC"
        org(back(k - 2), k - 2)
      elseif t.cap and not covered[k] and not t.sent_start and k > 1 then
        local the, nx = toks[k - 1].text, toks[k + 1]
        if (the == "the" or (the == "The" and toks[k - 1].sent_start)) then
          local named = head_of[t.text]
          if named == false then
            -- several: the one named last ("the League" after "the New Zealand League of Rights")
            named = last_named(t.text, t.i)
          end
          if named and not (nx and ((nx.word and nx.cap) or nx.text == "of")) then
            a:tag_entity { name = named, type = "organization", at = t, score = 0.5 }
            covered[k] = true
          else
            -- "the Bruins", "the Red Sox": a team, in a sports report
            local e = k
            if nx and nx.cap and nx.word then e = k + 1 end
            local last = toks[e].text
            local more = toks[e + 1] and toks[e + 1].cap and toks[e + 1].word
            if not more and (last:find("^%u%l+s$") or last:find("^%d+ers$") or last:find("^%u%l+%u%l+s$"))
                and not not_teams[last:lower()] and sport_report() and not places:lookup(last:sub(1, -2))
                and not person_part[last:sub(1, -2)] and not given[last:sub(1, -2)] then
              -- (not a family: "the Clintons", "the Johnsons")
              org(k, e)
            end
          end
        end
        if legislatures[t.text] and not covered[k] and not (nx and nx.word and nx.cap)
            and not (toks[k - 1].word and toks[k - 1].cap) then
          -- "passed the Legislature", "a vote in Parliament": the article's
          -- legislature, by the name it gives it
          a:tag_entity { name = head_of[t.text] or t.text, type = "organization", at = t, score = 0.5 }
          covered[k] = true
        end
      end
      if t.cap and k > 2 and k < n then
        local tx = t.text
        local lc = late_caps[tx]
        if lc then late[#late + 1] = k + lc end -- ("a Liberal MP": the word before the title)
      end
      if t.word and not covered[k] and (t.digit or t.upper or t.cap) then
        if t.upper and t.digit and t.text:find("^%d%u%u%u?$") then
          -- a call sign: "6PR", "3AW"
          local p = toks[k - 1]
          if p and p.text:find("^%d%d%d$") and not p.sent_start then
            -- "882 6PR": the frequency and the call sign
            a:tag_entity { name = t.text, type = "organization", i = p.i, j = t.j, score = 0.5 }
          else
            a:tag_entity { name = t.text, type = "organization", at = t, score = 0.5 }
          end
        elseif toks[k + 1] and toks[k + 1].cap and toks[k + 1].word and not t.sent_start and unit_number(t) then
          -- "Fourth Air Force", "139th Infantry": number, capitalized words, a unit head
          local e = k + 1
          while e < n and e < k + 4 and toks[e + 1].word and toks[e + 1].cap and not unit_heads[low(toks[e])] do
            e = e + 1
          end
          local nx = toks[k + 1]
          if unit_heads[low(toks[e])] and not covered[e] then
            local s = k
            if toks[k - 1] and toks[k - 1].text == "No." then s = k - 1 end -- "No. 31 Squadron"
            local name = a.text:sub(toks[s].i, toks[e].j)
            a:tag_entity { name = name, type = "organization", i = toks[s].i, j = toks[e].j, score = 0.6 }
            units[#units + 1] = name
          elseif nx.upper and #nx.text <= 4 and not nx.text:find("[^%u]") and not t.text:find("^%d+$")
              and military() then
            -- "the 93d PVI", "the 62d NY": a numbered regiment by its state's initials
            local name = a.text:sub(t.i, nx.j)
            a:tag_entity { name = name, type = "organization", i = t.i, j = nx.j, score = 0.6 }
            units[#units + 1] = name
          end
        elseif t.digit and k > 1 and (toks[k - 1].text == "the" or toks[k - 1].text == "The")
            and t.text:find("^%d+%l%l?$") then
          bare_numbers[#bare_numbers + 1] = k -- "the 82nd", read below
        end
      end
    end
    -- "the 82nd" after "the 82nd Airborne Division": the one unit of the
    -- article named by that number
    local unit_of
    for _, k in ipairs(bare_numbers) do
      local t, nx = toks[k], toks[k + 1]
      if not (nx and nx.word and (nx.cap or nx.digit)) then
        if not unit_of then
          unit_of = {}
          local function add(name)
            local num = name:match("^(%d+%l%l?) %u")
            if num then unit_of[num] = (unit_of[num] == nil or unit_of[num] == name) and name or false end
          end
          for _, e in ipairs(ents) do
            if e.type == "organization" then add(e.name) end
          end
          for _, name in ipairs(units) do add(name) end
        end
        if unit_of[t.text] then
          a:tag_entity { name = unit_of[t.text], type = "organization", at = t, score = 0.5 }
        elseif nx and nx.lower and (unit_verbs[nx.text] or nx.text:find("ed$")) and military() then
          -- "The 139th was formed", "the 139th fought": a unit named by its number alone
          a:tag_entity { name = t.text, type = "organization", at = t, score = 0.5 }
        end
      end
    end
    -- a definition at a sentence's start (see def_kinds): the subject from
    -- k, or nil
    local function definition(k)
      local e, last = k, nil
      while e < k + 8 and toks[e] do
        local t = toks[e]
        if t.word and (t.cap or t.digit) then
          last = e
        elseif not (e > k and t.word and t.lower and def_inner[t.text]) then
          break
        end
        e = e + 1
      end
      if not (last and toks[last].cap) then return nil end
      -- ("It is a company", "This is a band": no name; "The Fairfax Connector" is one)
      if W.function_words[low(toks[k])] and not (toks[k].text == "The" and last > k) then return nil end
      local p, alt_s, alt_e = last + 1, nil, nil
      if toks[p] and toks[p].text == "(" then
        -- "X ( or Y )"
        local q = p + 1
        if toks[q] and def_alts[toks[q].text] then q = q + 1 end
        local r = q
        while toks[r] and r < q + 8 and toks[r].text ~= ")" do r = r + 1 end
        if not (toks[r] and toks[r].text == ")") then return nil end
        if r > q and toks[q].word and (toks[q].cap or toks[q].digit) and toks[r - 1].cap then
          alt_s, alt_e = q, r - 1
        end
        p = r + 1
      end
      local v, art = toks[p], toks[p + 1]
      if not (v and def_verbs[v.text] and art and (art.text == "a" or art.text == "an")) then return nil end
      for q = p + 2, math.min(p + 10, n) do
        local t = toks[q]
        -- (a phrase of its own ends the noun's: "a compilation album by the band")
        if not (t.word or t.text == "/" or t.text == "-") or W.function_words[t.text] then return nil end
        if t.lower and def_kinds[t.text] then
          local nx = toks[q + 1]
          if t.text == "group" and nx and nx.text == "of" then return nil end -- "a group of islands"
          return last, alt_s, alt_e
        end
      end
      return nil
    end
    -- ("is a", "are an" at v, found by the pass: the sentence's start is at most 16 tokens back)
    for _, v in ipairs(defs) do
      local k = v - 1
      while k > 1 and k > v - 16 and not toks[k].sent_start do k = k - 1 end
      local t = toks[k]
      if (t.sent_start or k == 1) and t.word and (t.cap or t.digit) then
        local e, alt_s, alt_e = definition(k)
        local o = e and owner[k]
        if e and not (o and o.type ~= "person" and owner[e] == o and o.score >= 0.5) then
          local s = k
          if toks[s].text == "The" and s < e and not toks[s + 1].digit then s = s + 1 end
          local name = a.text:sub(toks[s].i, toks[e].j)
          a:tag_entity { name = name, type = "organization", i = toks[s].i, j = toks[e].j, score = 0.7 }
          if alt_s then
            a:tag_entity { name = name, type = "organization", i = toks[alt_s].i, j = toks[alt_e].j,
                           score = 0.7, alias = a.text:sub(toks[alt_s].i, toks[alt_e].j) }
          end
        end
      end
    end
    -- "a Liberal MP", "the Labor or Liberal parties", "a Liberal-Labour
    -- candidate": a party named by its adjective, when "<word> Party" is a
    -- known party (and the word is no part of a longer name)
    local function party(k)
      local t = toks[k]
      if not (t and t.word and t.cap and not t.upper) or owner[k] or covered[k] then return false end
      local b = toks[k - 1]
      if b and b.word and b.cap and not t.sent_start and not W.function_words[low(b)] then return false end
      local _, wty, wkind = orgs:lookup(t.text)
      if (wty == "organization" and wkind ~= "party") or not_party_words[t.text] then return false end
      local canon
      for part in t.text:gmatch("[^-]+") do
        local c, ty, kind = orgs:lookup(part .. " Party")
        if ty ~= "organization" or kind ~= "party" then return false end
        canon = c
      end
      local name = t.text .. " Party"
      if canon and not t.text:find("-", 1, true) and a:entity(canon) then name = canon end
      a:tag_entity { name = name, type = "organization", at = t, score = 0.6 }
      covered[k] = true
      return true
    end
    for _, k in ipairs(late) do
      local t, nx = toks[k], toks[k + 1] or {}
      if t.text == "&" and nx.text == "the" and toks[k - 1].cap and toks[k - 1].word and toks[k + 2]
          and toks[k + 2].cap and toks[k + 2].word and not toks[k + 2].sent_start then
        -- a band: "Hootie & the Blowfish", "Echo & the Bunnymen" (the singer's name inside it)
        local s, e = back(k - 1), fwd(k + 2)
        local o = owner[s]
        if not (o and o.type ~= "person" and owner[e] == o) then
          a:tag_entity { name = a.text:sub(toks[s].i, toks[e].j), type = "organization", i = toks[s].i,
                         j = toks[e].j, score = 0.7 }
        end
      end
      if t.text == "No." and nx.digit and not nx.text:find("%D") and toks[k + 2] and toks[k + 2].lower
          and (unit_verbs[toks[k + 2].text] or toks[k + 2].text:find("ed$")) and not covered[k + 1]
          and not (toks[k - 1].cap and toks[k - 1].word) and military() then
        -- "No. 18 later moved north", "No. 120 formed at Canberra": a squadron by its
        -- number (the one named in full: "No. 18 Squadron"; not "Room No. 12")
        local name = "No. " .. nx.text
        for _, e in ipairs(a:entities()) do
          if e.type == "organization" and (e.name:find(name .. " ", 1, true) == 1
              or e.name:find(nx.text .. " %u") == 1) then
            name = e.name
            break
          end
        end
        a:tag_entity { name = name, type = "organization", i = t.i, j = nx.j, score = 0.5 }
      end
      if minor_levels[t.text] and nx.cap and nx.word and not nx.sent_start and sport_report() then
        -- "splitting time with AAA Durham": the level and the club
        local e = fwd(k + 1)
        local o = owner[k + 1]
        if not (o and o.type == "person") then
          a:tag_entity { name = a.text:sub(t.i, toks[e].j), type = "organization", i = t.i, j = toks[e].j,
                         score = 0.7 }
        end
      end
      local m1, m2 = t.text:match("^(%u%l+)%-(%u%l+)$")
      local b = toks[k - 1]
      if m1 and b and mastheads[m2] and (mastheads[m1] or b.cap) and not t.sent_start
          and not (owner[k] and owner[k].type ~= "person") then
        -- "the Austin American-Statesman", "the Fort Worth Star-Telegram"
        local s = b.cap and b.word and back(k - 1) or k
        if toks[s].sent_start and W.function_words[low(toks[s])] then s = s + 1 end
        local name = a.text:sub(toks[s].i, t.j)
        local o = owner[k]
        if o and o.name ~= name then o = nil end
        if o then
          a:set_entity(name, { type = "organization" }) -- (taken for a person: "Austin ...")
        else
          a:tag_entity { name = name, type = "organization", i = toks[s].i, j = t.j, score = 0.7 }
        end
        for p = s, k do covered[p] = true end
      end
      if t.cap and extra_heads[t.text] and not covered[k] and k > 1 and toks[k - 1].cap and not t.sent_start then
        -- "the Carnegie Institution"
        local s = back(k - 1)
        local free = not W.function_words[low(toks[s])] and not given[toks[s].text]
        for p = s, k - 1 do
          if covered[p] or person_part[toks[p].text] then free = false end
        end
        if free then
          a:tag_entity { name = a.text:sub(toks[s].i, t.j), type = "organization", i = toks[s].i, j = t.j,
                         score = 0.6 }
          for p = s, k do covered[p] = true end
        end
      end
      if t.cap and not owner[k] and nx.word and not nx.sent_start and not t.upper
          and ((nx.lower and party_members[nx.text]) or (nx.upper and party_members[nx.text:lower()])) and party(k)
          and nx.text == "parties" then
        -- "the Labor and Liberal parties"
        local q = k - 1
        while toks[q] and (toks[q].text == "," or toks[q].text == "and" or toks[q].text == "or") do
          if toks[q - 1] and toks[q - 1].text == "," then q = q - 1 end
          if not party(q - 1) then break end
          q = q - 2
        end
      end
    end
    -- Names retyped by what the article says of them (one pass over the
    -- entities; each test only where its words are in the article):
    -- * a one-word name taken for a person (the founders' surname) that does
    --   what companies do, twice: "Caloi was founded in 1898 ... Caloi
    --   currently manufactures bicycles";
    -- * "Fairmont State" after "Fairmont State University": the start of a
    --   longer organization's name, typed a place by its last word "State",
    --   is the university (but "Caldwell Falls" in "Caldwell Falls Borough
    --   Council" is the town, "New York" in "New York Times" the city);
    -- * "the 1971 Pan American Games": an event, not a company like "Epic
    --   Games" (a year before it, or a place or people naming it).
    local company_cues = false
    for w in pairs(company_after) do company_cues = company_cues or common[w] or false end
    for w in pairs(company_passive) do company_cues = company_cues or common[w] or false end
    local long_orgs
    local text = a.text
    local states = text:find(" State", 1, true)
    local titles = text:find("hampion", 1, true)
    local games = text:find(" Games", 1, true)
    for _, e in ipairs(ents) do
      local ty = e.type
      if ty == "person" then
        if company_cues and #e.mentions >= 2 and not e.name:find(" ", 1, true) then
          local cues = 0
          for _, m in ipairs(e.mentions) do
            local q = (W.token_at(toks, m.i) or n) + 1
            if toks[q] and toks[q].lower and toks[q].text:find("ly$") then q = q + 1 end -- "currently"
            local v, v2 = toks[q], toks[q + 1]
            if v and v.lower and v2 and ((company_after[v.text] and (v.text ~= "went" or v2.text == "public"))
                or ((v.text == "was" or v.text == "is") and company_passive[v2.text])) then
              cues = cues + 1
            end
          end
          if cues >= 2 then a:set_entity(e.name, { type = "organization" }) end
        end
        if e.name:byte(-1) == 115 and e.name:find(" %u%l+s$") and sport_report() then
          -- "the National Champion Texas Longhorns ... The Longhorns also won": a
          -- team, named like a person after a title ("the Williams sisters" stay)
          for _, m in ipairs(e.mentions) do
            local q = W.token_at(toks, m.i)
            local b, nx = q and toks[q - 1], q and toks[q + 1]
            if b and (b.text == "the" or (b.text == "The" and b.sent_start)) and toks[q].j == m.j
                and nx and (not nx.word or (nx.lower and (team_after[nx.text] or unit_verbs[nx.text]
                  or nx.text:find("ing$")))) then
              a:set_entity(e.name, { type = "organization" })
              break
            end
          end
        end
      elseif ty == "place" then
        if states and e.name:find(" State$") and not places:lookup(e.name) then
          if not long_orgs then
            long_orgs = {}
            for _, o in ipairs(ents) do
              if o.type == "organization" and o.name:find("%S+ %S+ %S") then long_orgs[#long_orgs + 1] = o.name end
            end
          end
          local prefix = e.name .. " "
          for _, o in ipairs(long_orgs) do
            if o:sub(1, #prefix) == prefix then
              a:set_entity(e.name, { type = "organization" })
              break
            end
          end
        end
      elseif ty == "organization" and to_cut[e] then
        -- "Attended James High School", "the Perth Glory From 2006", "The
        -- Co-founder of Australians Against Further Immigration (AAFI)": a
        -- sentence's verb, a preposition or a member's role is no part of the name
        local head = e.name:match("^(%a+) ")
        local role = e.name:match("^([%a-]+ of) ")
        local cut_s = lead_verbs[head or ""] and #head + 1 or 0
        if role and lead_roles[role:sub(1, -4)] then cut_s = #role + 1 end
        local tail = e.name:match(" (%a+)$")
        local cut_e = trail_words[tail or ""] and #tail + 1 or 0
        if cut_s + cut_e > 0 and cut_s + cut_e < #e.name - 2 then
          local name = e.name:sub(cut_s + 1, #e.name - cut_e)
          a:drop_entity(e.name)
          for _, m in ipairs(e.mentions) do
            -- (another surface form, "AAFI", keeps its span)
            local whole = m.j - m.i + 1 == #e.name
            a:tag_entity { name = name, type = "organization", i = whole and m.i + cut_s or m.i,
                           j = whole and m.j - cut_e or m.j, score = e.score }
          end
        end
      elseif ty == "organization" and titles and e.name:find(" [Cc]hampions? ") then
        -- "drafted by the NFL Champion Baltimore Colts": a known organization, a
        -- title, and the team that holds it
        local pre, title, rest = e.name:match("^(.-) ([Cc]hampions?) (%u.*)$")
        local canon, pty = orgs:lookup(pre or "")
        if pty == "organization" and not rest:find(" [Cc]hampions? ") then
          a:drop_entity(e.name)
          for _, m in ipairs(e.mentions) do
            if m.j - m.i + 1 == #e.name then -- (the name in full, not another surface form)
              local i2 = m.i + #pre + #title + 2
              a:tag_entity { name = canon, type = "organization", i = m.i, j = m.i + #pre - 1, score = 0.8 }
              a:tag_entity { name = rest, type = "organization", i = i2, j = m.j, score = 0.7 }
            end
          end
        end
      elseif ty == "organization" and games and e.name:find(" Games$") and e.score < 1 then
        local _, _, kind = places:lookup(e.name:match("^(%S+)"))
        local event = kind ~= nil
        for _, m in ipairs(e.mentions) do
          local k = W.token_at(toks, m.i)
          local b = k and toks[k - 1]
          if b and (b.text:find("^1[89]%d%d$") or b.text:find("^20%d%d$")) then event = true end
        end
        if event then a:drop_entity(e.name) end
      end
    end
    -- "CBS Cable" after the known "CBS", "BBC Radio 1": an arm of a known
    -- organization, named by the word after it
    for x = 1, #arms, 3 do
      local k, kj, mi = arms[x], arms[x + 1], arms[x + 2]
      local nx = toks[kj + 1]
      if not owner[kj + 1] then
        local e2 = kj
        if nx.cap and (arm_words[nx.text] or (compass_arms[nx.text] and sport_report())) then e2 = kj + 1 end
        local num = toks[e2 + 1]
        if numbered_arms[toks[e2].text] and e2 > k and num and num.text:find("^%d%d?$")
            and not num.sent_start and not owner[e2 + 1] then
          e2 = e2 + 1
        end
        if e2 > kj then
          a:tag_entity { name = a.text:sub(mi, toks[e2].j), type = "organization", i = mi,
                         j = toks[e2].j, score = 0.7 }
        end
      end
    end
  end,
}
