-- Every further mention of an entity found so far: its name and aliases
-- wherever they stand as whole words (the title included), so counts and
-- salience reflect the whole article. a:tag_mentions does in C what
-- nutgraf.gazetteer over a:entities() and a:tag_entity per match would.
return {
  name = "mentions",
  article = function(a)
    a:tag_mentions { score = 0.5 }
  end,
}
