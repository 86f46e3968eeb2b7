-- Test rule: two or more capitalized words in a row within one sentence,
-- not at its start, are a name of type "name".
return {
  name = "caps",
  article = function(a)
    local toks = a:tokens()
    local k = 1
    while k <= #toks do
      local t = toks[k]
      if t.word and t.cap and not t.sent_start then
        local e = k
        local nt = toks[e + 1]
        while nt and nt.word and nt.cap and not nt.sent_start do
          e = e + 1
          nt = toks[e + 1]
        end
        if e > k then
          a:tag_entity { type = "name", i = t.i, j = toks[e].j, score = 0.4 }
        end
        k = e + 1
      else
        k = k + 1
      end
    end
  end,
}
