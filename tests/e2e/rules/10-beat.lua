-- Test rule: a small gazetteer, and a topic when a utility is named.
local beat = nutgraf.gazetteer("beat.tsv")

return {
  name = "beat",
  article = function(a)
    local utilities = 0
    for _, m in ipairs(beat:scan(a)) do
      a:tag_entity { name = m.name, type = m.type, i = m.i, j = m.j, score = 0.9 }
      if m.kind == "utility" then utilities = utilities + 1 end
    end
    if utilities > 0 then
      a:tag_topic { id = "test:water", label = "water supply", score = math.min(1, 0.5 + 0.25 * utilities) }
    end
  end,
}
