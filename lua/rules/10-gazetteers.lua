-- Places and well-known organizations from the shipped gazetteers.
-- Demonyms ("Chinese") name the country only where the state is meant:
-- "Chinese officials", "the Chinese government" -- not "Chinese food".
local places = nutgraf.gazetteer("../data/places.tsv", { type = "place" })
local orgs = nutgraf.gazetteer("../data/organizations.tsv", { type = "organization" })

local state_nouns = {}
for w in ([[government officials official authorities leader leaders president premier
  ministry minister ministers embassy military army navy forces troops regulators regulator
  diplomats diplomat delegation negotiators negotiator state economy exports imports
  counterpart counterparts side administration parliament lawmakers customs commerce
  foreign firms companies central bank banks tariffs tariff market markets industry
  officials' buyers citizens nationals team]]):gmatch("%S+") do
  state_nouns[w] = true
end

local function next_word(toks, k)
  local t = toks[k]
  if t and t.word then return t.text:lower() end
  return nil
end

local function tag_match(a, m, score)
  a:tag_entity { name = m.name, type = m.type, i = m.i, j = m.j, score = score }
end

return {
  name = "gazetteers",
  article = function(a)
    local toks = a:tokens()
    for _, m in ipairs(places:scan(a)) do
      if m.kind == "demonym" then
        local w = next_word(toks, m.last_token + 1)
        if w and state_nouns[w] then
          tag_match(a, m, 0.6)
        end
      else
        tag_match(a, m, 0.9)
      end
    end
    for _, m in ipairs(orgs:scan(a)) do
      tag_match(a, m, 0.9)
    end
  end,
}
