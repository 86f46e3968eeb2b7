-- newsnames: word lists shared by the default rules (and usable by yours:
-- `local names = require("newsnames")`). Keys are lower case.
local M = {}

local function set(list)
  local s = {}
  for _, w in ipairs(list) do s[w] = true end
  return s
end
M.set = set

-- The words an article writes in lower case ("apple" makes "Apple" at the
-- start of a sentence a common word), computed once per article for all
-- the rules that ask.
local lower_memo = setmetatable({}, { __mode = "k" })
function M.lower_words(toks)
  local seen = lower_memo[toks]
  if seen then return seen end
  seen = {}
  for k = 1, #toks do
    local t = toks[k]
    if t.lower and t.word then seen[t.text] = true end
  end
  lower_memo[toks] = seen
  return seen
end

-- A token's text in lower case, for looking it up in the sets above. A word
-- that starts in lower case is taken as it is (no new string): the sets
-- hold no word like "eBay".
function M.low(t)
  if t.lower then return t.text end
  return t.text:lower()
end

-- The index of the token that starts at byte i, or nil (tokens are sorted).
function M.token_at(toks, i)
  local lo, hi = 1, #toks
  while lo <= hi do
    local mid = (lo + hi) // 2
    local ti = toks[mid].i
    if ti == i then return mid end
    if ti < i then lo = mid + 1 else hi = mid - 1 end
  end
  return nil
end

-- Titles and roles that announce a person when they stand before a name.
M.titles = set {
  "president", "vice", "prime", "minister", "secretary", "senator", "sen.", "sen",
  "representative", "rep.", "rep", "governor", "gov.", "gov", "mayor", "councilmember",
  "councilman", "councilwoman", "councillor", "councilor", "chancellor", "premier",
  "king", "queen", "prince", "princess", "pope", "judge", "justice", "chief", "commissioner",
  "ambassador", "envoy", "spokesperson", "spokesman", "spokeswoman", "chairman", "chairwoman",
  "chair", "ceo", "cfo", "founder", "co-founder", "coach", "manager", "director", "dr.", "dr",
  "mr.", "mr", "mrs.", "mrs", "ms.", "ms", "prof.", "professor", "general", "gen.", "lt.",
  "col.", "capt.", "sgt.", "admiral", "adm.", "officer", "detective", "sheriff", "attorney",
  "lawyer", "economist", "analyst", "striker", "forward", "midfielder", "goalkeeper",
  "quarterback", "pitcher", "guard", "captain", "leader", "deputy", "speaker", "sir", "dame",
  "lord", "lady", "rabbi", "imam", "father", "bishop", "cardinal", "reverend", "rev.",
  "treasurer", "trustee", "superintendent", "executive", "head", "owner", "investor",
  "candidate", "nominee", "dean", "chef", "actor", "actress", "singer", "author", "writer",
  "rapper", "player", "champion", "star", "lawmaker", "congressman", "congresswoman",
  "assemblyman", "assemblywoman", "delegate", "vice-president", "auditor", "comptroller",
  "scientist", "researcher", "physician", "nurse", "epidemiologist", "astronomer",
  -- plurals ("Justices Elena Kagan and ..."), more offices and professions
  "presidents", "ministers", "senators", "sens.", "reps.", "representatives", "governors",
  "justices", "judges", "mayors", "leaders", "secretaries", "ambassadors", "lawmakers",
  "taoiseach", "tánaiste", "secretary-general", "director-general", "sultan", "emir", "sheikh",
  "ayatollah", "patriarch", "archbishop", "cardinal", "chancellors", "supervisor", "alderman",
  "alderwoman", "selectman", "magistrate", "prosecutor", "inspector", "constable", "marshal",
  "lieutenant", "sergeant", "corporal", "private", "major", "colonel", "commander", "brig.",
  "maj.", "cpl.", "pvt.", "filmmaker", "director", "producer", "screenwriter", "novelist",
  "poet", "painter", "artist", "sculptor", "photographer", "composer", "musician", "pianist",
  "violinist", "guitarist", "drummer", "conductor", "dancer", "comedian", "journalist",
  "reporter", "editor", "columnist", "anchor", "host", "broadcaster", "historian", "curator",
  "architect", "engineer", "entrepreneur", "billionaire", "banker", "trader", "strategist",
  "spokesperson", "adviser", "advisor", "aide", "strategist", "activist", "campaigner",
  "organizer", "teacher", "principal", "student", "pastor", "priest", "nun", "monk", "cleric",
  "surgeon", "doctor", "paramedic", "pharmacist", "virologist", "biologist", "chemist",
  "physicist", "geologist", "paleontologist", "palaeontologist", "archaeologist",
  "mathematician", "economist", "lecturer", "defender", "winger", "centre-back",
  "center-back", "full-back", "shortstop", "outfielder", "catcher", "linebacker", "receiver",
  "running", "cornerback", "safety", "tackle", "pitcher", "batter", "bowler", "batsman",
  "sprinter", "runner", "marathoner", "cyclist", "swimmer", "skier", "boxer", "fighter",
  "wrestler", "golfer", "driver", "jockey", "teammate", "rookie", "veteran", "skipper",
  "rival", "compatriot", "counterpart", "predecessor", "successor", "incumbent", "challenger",
  "opponent", "defendant", "plaintiff", "suspect", "witness", "victim", "juror", "detainee",
  "prisoner", "inmate", "resident", "farmer", "owner", "co-owner", "partner", "heir", "widow",
  "son", "daughter", "wife", "husband", "brother", "sister", "mother", "father", "uncle",
  "aunt", "cousin", "grandson", "granddaughter", "emperor", "empress", "tsar", "pharaoh",
  "duke", "duchess", "earl", "baron", "baroness", "count", "countess", "crown", "vice-chair",
  "co-chair", "chairperson", "president-elect", "ex-president", "ex-minister", "nominee",
  "chief executive", "cto", "coo", "md", "managing", "vp",
  "boss", "administrator", "administrators", "chief-of-staff", "minister-president",
}

-- Verbs of speech and similar that follow or precede a person's name.
M.speech = set {
  "said", "says", "told", "added", "asked", "argued", "noted", "wrote", "stated", "explained",
  "announced", "warned", "insisted", "acknowledged", "conceded", "replied", "recalled",
  "tweeted", "posted", "urged", "testified", "predicted", "estimated", "cautioned", "countered",
  "declined", "confirmed", "denied", "believes", "thinks", "according",
}

-- Last words that make a capitalized phrase an organization.
M.org_heads = set {
  "inc.", "inc", "corp.", "corp", "co.", "ltd.", "ltd", "llc", "plc", "ag", "sa", "gmbh", "nv",
  "group", "association", "center", "centre", "committee", "institute", "university",
  "ministry", "department", "agency", "council", "party", "bank", "fund", "authority",
  "commission", "company", "corporation", "foundation", "federation", "union", "league",
  "board", "court", "office", "service", "administration", "bureau", "holdings", "partners",
  "capital", "technologies", "technology", "systems", "airlines", "airways", "motors", "labs",
  "laboratories", "network", "club", "fc", "college", "school", "academy", "museum",
  "hospital", "clinic", "church", "assembly", "parliament", "senate", "congress", "cabinet",
  "police", "army", "navy", "forces", "guard", "times", "post", "journal", "tribune", "herald",
  "gazette", "news", "press", "media", "studios", "pictures", "records", "energy", "oil",
  "pharmaceuticals", "pharma", "therapeutics", "bancorp", "securities", "investments",
  "insurance", "trust", "exchange", "organization", "organisation", "alliance", "coalition",
  "society", "initiative", "project", "program", "programme", "team", "reserve", "treasury",
  "chamber", "secretariat", "directorate", "tribunal", "observatory", "laboratory", "industries",
  "enterprises", "brands", "foods", "motors", "railways", "railroad", "transit", "port",
  "legislature", "ministries", "departments", "agencies", "commissions", "authorities",
  "corps", "regiment", "brigade", "battalion", "division", "fleet", "squadron", "command",
  "wing", "force", "infantry", "cavalry", "artillery", "scouts", "guides",
  "lodge", "order", "guild", "syndicate", "cooperative", "co-op", "collective", "consortium",
  "conglomerate", "firm", "bancorp", "financial", "capital", "ventures", "advisors",
  "advisers", "associates", "consulting", "solutions", "software", "semiconductor",
  "semiconductors", "electronics", "communications", "telecom", "airline", "air", "express",
  "logistics", "shipping", "lines", "entertainment", "records", "publishing", "publishers",
  "books", "magazine", "daily", "weekly", "review", "broadcasting", "radio", "television",
  "tv", "channel", "orchestra", "philharmonic", "symphony", "band", "choir", "ensemble",
  "theatre", "theater", "opera", "ballet", "library", "archives", "zoo", "seminary",
  "polytechnic", "elementary", "kindergarten", "ymca", "ywca", "hospice", "infirmary",
  "healthcare", "health", "medical", "pharmacy", "hardware", "storage", "supermarket",
  "stores", "store", "mart", "bakery", "restaurant", "hotel", "hotels", "resorts", "casino",
  "airlines", "rail", "railway", "bus", "utilities", "utility", "power", "electric", "gas",
  "water", "mining", "minerals", "metals", "steel", "chemicals", "materials", "aerospace",
  "petroleum", "petrochemicals", "refining",
  "defense", "dynamics", "robotics", "ai", "biotech", "bio", "genomics", "sciences",
  "platforms", "networks", "games", "studio", "interactive", "mobile", "wireless", "online",
  "digital", "cinemas", "fc", "cf", "afc", "sc", "united", "rovers", "wanderers", "athletic",
  "athletics", "racing", "motorsport", "f1", "cavaliers", "celtics", "knicks", "lakers",
  "warriors", "nets", "bulls", "heat", "giants", "yankees", "mets", "dodgers", "cowboys",
  "patriots", "eagles", "chiefs", "raiders", "packers", "bears", "hornets", "spurs", "rockets",
  "76ers", "sixers", "jets", "kings", "clippers", "suns", "mavericks", "thunder", "jazz",
  "pistons", "pacers", "magic", "hawks", "wizards", "raptors", "bucks", "timberwolves",
  "pelicans", "grizzlies", "nuggets", "blazers", "tigers", "lions", "sox", "cubs", "cardinals",
  "braves", "astros", "mariners", "rangers", "orioles", "phillies", "brewers", "padres",
  "broncos", "steelers", "ravens", "bengals", "browns", "texans", "colts", "titans", "jaguars",
  "dolphins", "bills", "commanders", "vikings", "saints", "falcons", "panthers", "buccaneers",
  "seahawks", "49ers", "rams", "cardinals", "chargers", "oilers", "canadiens", "leafs",
  "bruins", "flyers", "penguins", "capitals", "islanders", "devils", "sabres", "senators",
  "blackhawks", "avalanche", "stars", "wild", "predators", "blues", "ducks", "sharks",
  "canucks", "flames", "kraken", "hurricanes", "lightning", "knights",
  "limited", "llp", "lp", "pty", "bhd", "tbk", "s.a.", "spa", "s.p.a.", "ab", "asa", "oyj",
  "payments", "finance", "lending", "biosciences", "diagnostics", "devices", "automotive",
  "recordings", "properties", "brewing", "brewery", "trains", "transport", "homes", "construction",
  "engineering", "works", "design",
  "lounge", "cafe", "café", "films", "brothers", "supermarkets", "quartet", "telegraph", "shop",
}

-- "the X of Y": heads that take an "of" complement and stay one name.
M.of_heads = set {
  "university", "ministry", "department", "bank", "institute", "council", "committee",
  "academy", "museum", "college", "school", "church", "federation", "association", "commission",
  "court", "house", "chamber", "league", "union", "office", "bureau", "board", "secretary",
  "society", "federal", "people's", "republic", "kingdom", "state", "states", "city", "port",
  "gulf", "sea", "bay", "isle", "islands", "organization", "organisation", "fund", "corps",
  "agency", "center", "centre", "authority", "party", "army", "scouts", "guides", "order", "assembly",
  "railway", "railways", "government", "parliament", "diocese", "archdiocese", "embassy",
  "consulate", "congress", "police", "navy", "institution", "foundation", "corporation", "trust",
  "hospital", "library", "conference", "confederation", "cabinet", "administration", "tribunal",
  "hall", "palace", "cathedral", "temple", "tower", "basilica", "mosque", "statue",
}

-- Words that start sentences or headlines in capitals but name nothing.
M.function_words = set {
  "the", "a", "an", "and", "but", "or", "nor", "for", "yet", "so", "in", "on", "at", "by",
  "to", "from", "of", "with", "without", "as", "after", "before", "during", "since", "until",
  "while", "when", "where", "why", "how", "what", "which", "who", "whom", "whose", "that",
  "this", "these", "those", "there", "here", "it", "its", "he", "she", "they", "we", "i", "you",
  "his", "her", "their", "our", "my", "your", "if", "then", "than", "though", "although",
  "because", "however", "meanwhile", "still", "also", "even", "only", "just", "not", "no",
  "yes", "all", "some", "many", "most", "more", "much", "few", "several", "each", "every",
  "both", "either", "neither", "one", "two", "three", "four", "five", "six", "seven", "eight",
  "nine", "ten", "first", "second", "third", "last", "next", "new", "other", "another", "such",
  "under", "over", "into", "onto", "about", "above", "below", "between", "among", "against",
  "across", "through", "throughout", "around", "near", "off", "out", "up", "down", "per",
  "via", "despite", "amid", "like", "unlike", "toward", "towards", "within", "upon", "once",
  "instead", "rather", "yet", "again", "already", "now", "today", "tonight", "tomorrow",
  "yesterday", "later", "earlier", "soon", "ago", "monday", "tuesday", "wednesday", "thursday",
  "friday", "saturday", "sunday", "january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december", "jan.", "feb.", "mar.",
  "apr.", "aug.", "sept.", "sep.", "oct.", "nov.", "dec.", "am", "pm", "a.m.", "p.m.", "do",
  "does", "did", "is", "are", "was", "were", "be", "been", "has", "have", "had", "will",
  "would", "can", "could", "should", "may", "might", "must", "shall", "let", "please", "thanks",
  "mr.", "mrs.", "ms.", "dr.", "according", "asked", "said", "says", "breaking", "update",
  "updated", "exclusive", "analysis", "opinion", "editorial", "photo", "video", "watch",
  "read", "related", "more", "see", "note", "editor's", "correction", "advertisement",
}

-- Last words that make a capitalized phrase a place.
M.place_heads = set {
  "county", "province", "prefecture", "district", "region", "island", "islands", "river",
  "lake", "valley", "mountains", "mountain", "mount", "bay", "coast", "peninsula", "strait",
  "canyon", "desert", "sea", "ocean", "gulf", "heights", "township", "borough", "parish",
  "oblast", "state", "territory", "basin", "delta", "plateau", "highlands", "straits",
  -- venues, landmarks, streets and water
  "stadium", "arena", "bridge", "gate", "square", "garden", "gardens", "airport", "street",
  "avenue", "boulevard", "road", "creek", "palace", "tower", "station", "plaza", "park",
  "harbor", "harbour", "canal", "falls", "beach", "hills", "springs", "lane", "drive",
  "highway", "freeway", "motorway", "expressway", "interstate", "pier", "wharf", "dam",
  "reservoir", "glacier", "volcano", "waterfall", "cape", "archipelago", "atoll", "reef",
  "fjord", "lagoon", "marsh", "swamp", "wetlands", "woods", "prairie", "savanna",
  "steppe", "mesa", "ridge", "pass", "peak", "crater", "caves", "cave", "gorge",
  "headland", "point", "rapids", "sound", "estuary", "oasis", "quarter", "district",
  "neighborhood", "neighbourhood", "village", "municipality", "commune",
  "canton", "governorate", "voivodeship", "raion", "krai", "emirate", "camp", "ghetto",
  "cemetery", "memorial", "monument", "cathedral", "basilica", "mosque", "temple", "shrine",
  "abbey", "castle", "fortress", "fort", "citadel", "chateau", "château", "mansion",
  "courthouse", "capitol", "racecourse", "racetrack", "circuit", "speedway", "ballpark",
  "velodrome", "coliseum", "colosseum", "amphitheatre", "amphitheater", "pavilion",
  "terminal", "port", "seaport", "spaceport", "cosmodrome", "base", "parkway", "esplanade",
  "promenade", "embankment", "quay", "crossing", "junction", "tunnel", "causeway",
  "viaduct", "mall", "market", "bazaar", "outlet", "hall", "galleria",
  "oval", "rink", "dock", "docks", "brook", "playfield", "playground", "place", "ave",
  "ave.", "blvd", "blvd.", "rd.", "terrace", "crescent", "row", "alley",
}

-- Place heads that are also common surnames: "Tom Hall", "Adam Street" are
-- people when the first word is a given name.
M.surname_heads = set {
  "hall", "park", "street", "lane", "drive", "hill", "hills", "ridge", "woods", "crossing",
  "point", "pass", "sound", "fort", "castle", "beach", "springs", "falls", "marsh", "gate",
  "bridge", "tower", "station", "market", "quarter", "temple", "abbey", "mansion", "base",
  "camp", "garden", "gardens", "village", "palace", "dam", "pier", "cape", "creek", "lake",
  "valley", "mountain", "mount", "island", "coast", "heights", "road", "bay", "ford", "delta",
  "reef", "glacier", "peak", "mesa", "circuit", "terminal", "junction", "chateau", "castle",
}

-- Heads that are places only after these words ("Kennedy Space Center").
M.place_center_mods = set { "space", "convention", "trade", "world", "shopping", "exhibition" }

-- Last words of events, documents and works: a place before them ("Berlin
-- Marathon", "Paris Agreement") does not make the run an organization.
M.event_words = set {
  "marathon", "olympics", "olympic", "games", "open", "agreement", "accord", "accords",
  "convention", "conventions", "summit", "conference", "talks", "festival", "biennale",
  "week", "prize", "award", "awards",
  "biennial", "bienal", "triennial", "triennale", "declaration", "protocol", "treaty", "derby", "classic",
  "masters", "cup", "grand", "prix", "championship", "championships", "tournament", "rally",
  "pride", "marathon", "half-marathon", "triathlon", "race", "expo", "fair", "show",
  "motor", "fashion", "film", "book", "plan", "process", "format", "syndrome", "flu",
  "virus", "effect", "consensus", "spring", "massacre", "attack", "attacks", "bombing",
  "siege", "uprising", "revolution", "war", "crisis", "dialogue", "initiative", "framework",
  "principles", "statement", "communique", "time", "standard", "style", "dollar", "yuan",
  "peso", "rupee", "stock", "index", "metro", "subway", "line", "zoo", "airport",
}

-- Particles inside personal names (Ursula von der Leyen, Luiz Inácio Lula da Silva).
M.particles = set {
  "von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la",
  "le", "bin", "bint", "ibn", "al", "el", "ben", "y", "st.", "mac", "ter", "ten", "zu",
  "do", -- ("Museu Nacional de Arte Contemporânea do Chiado", "Gustavo do Rosário")
  "des", "vom", -- ("Laurence des Cars", "Otto vom Berg")
  "por", "para", -- ("Unidad por Chile", "Frente para la Victoria")
}

-- Words before a capitalized name that make it a place.
M.place_preps = set { "in", "at", "from", "near", "outside", "across", "to", "into", "toward" }

-- Strong place prepositions for unknown names ("in Kalamazoo"): "at" and
-- "from" are left out ("at Google", "from Apple").
M.strong_place_preps = set { "in", "near", "outside", "across", "toward", "towards", "through",
  "around", "throughout", "inside" }

-- Capitalized words that start names mid-sentence although they are function
-- words at the start of a sentence ("All Nippon Airways", "New York Knicks").
M.name_starters = set { "all", "new", "first", "one", "united", "great", "north", "south",
  "east", "west", "upper", "lower", "central", "san", "santa", "los", "las", "el", "la",
  "st.", "saint", "fort", "port", "mount", "lake", "cape" }

-- Words after a name that make it a person: "Smith, who ...", "Smith, 45,".
M.person_after = set { "who", "whose", "himself", "herself" }

-- All-caps words that are not organizations.
M.not_org_acronyms = set {
  "CEO", "CFO", "COO", "CTO", "GDP", "AI", "HIV", "AIDS", "COVID", "COVID-19", "DNA", "RNA",
  "EV", "EVS", "IPO", "ETF", "USD", "EUR", "GBP", "JPY", "GMT", "UTC", "EST", "EDT", "PST",
  "PDT", "CET", "TV", "PM", "AM", "FM", "LGBT", "LGBTQ", "LGBTQ+", "NFT", "API", "CPU",
  "GPU", "PC", "MP", "MPS", "MEP", "MEPS", "OK", "VIP", "ID", "IT", "PR", "HR", "RSS", "SUV",
  "SUVS", "ATM", "PDF", "URL", "USB", "GPS", "LED", "LCD", "DVD", "CD", "UFO", "VR", "AR",
  "IQ", "BC", "AD", "CE", "BCE", "RIP", "FAQ", "DIY", "ASAP", "AKA", "ETA", "TBD", "NB",
  "PS", "PTSD", "ADHD", "ICU", "ER", "CPR", "MRI", "CT", "IVF", "STD", "STI", "BMI", "LNG",
  "CO2", "PPE", "R&D", "M&A", "Q1", "Q2", "Q3", "Q4", "YOY", "EPS", "CAGR", "ROI", "B2B",
  "AGM", "ESG", "SPAC", "GOP", "WWII", "WWI", "II", "III", "IV", "VI", "VII", "VIII", "IX",
  "XI", "XII", "MVP", "NBA", "OMG", "LOL", "THE", "AND", "FOR", "NOT", "BUT", "ALL", "NEW",
  "USA", "UAE", "UK", "US", "EU", "ET", "PT", "KM", "KG", "MPH", "KPH", "RPM", "HQ", "AWOL",
  "POW", "POWS", "MIA", "KIA", "IED", "ICBM", "SAM", "DIY", "TBA", "NA", "N/A", "JR", "SR",
  "GPT", "LLM", "LLMS", "SARS", "MERS", "RSV", "TB", "HPV", "UV", "BBQ", "CCTV", "SOS",
  "MPP", "MPPS", "MLA", "MLAS", "MSP", "MSPS", "MNA", "SWAT", "LLC", "INC", "LTD", "PLC", "OST",
  "POS", "ERA", "RBI", "RBIS", "GOAT", "WIFI", "ISBN", "FAQS", "PhD", "MBA", "CEOS",
}

-- Capitalized names that look like places but are not tagged: the financial
-- industry, celestial bodies, software.
M.not_places = set {
  "Wall Street", "Main Street", "Jupiter", "Mars", "Venus", "Mercury", "Saturn", "Neptune",
  "Uranus", "Pluto", "Moon", "Sun", "Earth", "Europa", "Titan", "Windows", "Heaven", "Hell",
  "Paradise", "Eden", "Congress", "Parliament", "Christ", "God", "Allah", "Islam",
}

-- Languages: "in English" is not a place.
M.languages = set {
  "English", "French", "Spanish", "German", "Arabic", "Hindi", "Mandarin", "Cantonese",
  "Chinese", "Japanese", "Korean", "Russian", "Portuguese", "Italian", "Dutch", "Latin",
  "Greek", "Hebrew", "Swahili", "Urdu", "Bengali", "Punjabi", "Tamil", "Turkish", "Persian",
  "Farsi", "Polish", "Ukrainian", "Swedish", "Norwegian", "Danish", "Finnish", "Czech",
  "Hungarian", "Romanian", "Vietnamese", "Thai", "Indonesian", "Malay", "Tagalog", "Yiddish",
  "Welsh", "Gaelic", "Irish", "Catalan", "Basque", "Zulu", "Xhosa", "Afrikaans", "Amharic",
  "Somali", "Yoruba", "Igbo", "Hausa", "Pashto", "Dari", "Kurdish", "Armenian", "Georgian",
}

return M
