-- newsnames: word lists shared by the default rules (and usable by yours:
-- `local names = require("newsnames")`). Keys are lower case.
local M = {}

local function set(list)
  local s = {}
  for _, w in ipairs(list) do s[w] = true end
  return s
end
M.set = set

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
}

-- "the X of Y": heads that take an "of" complement and stay one name.
M.of_heads = set {
  "university", "ministry", "department", "bank", "institute", "council", "committee",
  "academy", "museum", "college", "school", "church", "federation", "association", "commission",
  "court", "house", "chamber", "league", "union", "office", "bureau", "board", "secretary",
  "society", "federal", "people's", "republic", "kingdom", "state", "states", "city", "port",
  "gulf", "sea", "bay", "isle", "islands", "organization", "organisation", "fund", "corps",
  "agency", "center", "centre", "authority", "party",
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
}

-- Particles inside personal names (Ursula von der Leyen, Luiz Inácio Lula da Silva).
M.particles = set {
  "von", "van", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "la",
  "le", "bin", "bint", "ibn", "al", "el", "ben", "y", "st.", "mac", "ter", "ten", "zu",
}

-- Words before a capitalized name that make it a place.
M.place_preps = set { "in", "at", "from", "near", "outside", "across", "to", "into", "toward" }

return M
