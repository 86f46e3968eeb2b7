-- The Riverton Ledger's own rule: our city's politicians, agencies and
-- team, which no general gazetteer knows. It runs after nutgraf's default
-- rules, so it can also correct them.
local beat = nutgraf.gazetteer("riverton-beat.tsv")

-- Local stories file under local government; the team under soccer.
local LOCAL_GOV = { id = "medtop:20000612", label = "local government and authority" }

return {
  name = "riverton",
  article = function(a)
    local local_hits = 0
    for _, m in ipairs(beat:scan(a)) do
      a:tag_entity { name = m.name, type = m.type, i = m.i, j = m.j, score = 1.0 }
      if m.kind == "council" or m.kind == "mayor" or m.kind == "government" then
        local_hits = local_hits + 1
      end
    end
    -- "Riverton Rapids" is a team, not a place called Riverton.
    if a:entity("Riverton Rapids") then
      a:set_entity("Riverton Rapids", { type = "team" })
    end
    if local_hits >= 2 then
      a:tag_topic { id = LOCAL_GOV.id, label = LOCAL_GOV.label, score = math.min(1, 0.4 + 0.1 * local_hits) }
    end
  end,
}
