-- Every further mention of an entity found so far: its name and aliases
-- wherever they stand as whole words (the title included), so counts and
-- salience reflect the whole article.
return {
  name = "mentions",
  article = function(a)
    local ents = a:entities()
    if #ents == 0 then return end
    local list = {}
    for _, e in ipairs(ents) do
      list[#list + 1] = { surface = e.name, name = e.name, type = e.type }
      for _, al in ipairs(e.aliases) do
        if #al > 1 then
          list[#list + 1] = { surface = al, name = e.name, type = e.type }
        end
      end
    end
    local g = nutgraf.gazetteer(list)
    for _, m in ipairs(g:scan(a)) do
      a:tag_entity { name = m.name, type = m.type, i = m.i, j = m.j, score = 0.5 }
    end
  end,
}
