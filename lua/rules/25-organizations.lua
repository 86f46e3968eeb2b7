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

local ordinals = W.set {
  "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth",
  "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
  "seventeenth", "eighteenth", "nineteenth", "twentieth",
}

local function low(t) return t.text:lower() end

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
    local by_i = {}
    for k, t in ipairs(toks) do by_i[t.i] = k end
    local covered = {}
    for _, e in ipairs(a:entities()) do
      for _, m in ipairs(e.mentions) do
        local k = by_i[m.i]
        if k then
          covered[k] = true
          -- a numbered unit: the number belongs to the name
          local kj = k
          while toks[kj + 1] and toks[kj].j < m.j do kj = kj + 1 end
          local the = toks[k - 1]
          if e.type == "organization" and the and the.text == "The" and not the.sent_start then
            -- "at The Hockey News": a capital "The" mid-sentence is part of the name
            a:tag_entity { name = e.name, type = "organization", i = the.i, j = m.j, score = 0.7 }
          end
          if e.type == "place" and low(toks[kj]) == "hall" and toks[kj + 2] and low(toks[kj + 1]) == "of"
              and toks[kj + 2].text == "Fame" then
            -- "the Hockey Hall of Fame" is an institution
            a:tag_entity { name = a.text:sub(m.i, toks[kj + 2].j), type = "organization",
                           i = m.i, j = toks[kj + 2].j, score = 0.7 }
          end
          if e.type == "organization" and unit_heads[low(toks[kj])] then
            local s = k
            if unit_number(toks[s - 1]) then s = s - 1 end
            if toks[s - 1] and toks[s - 1].text == "No." then s = s - 1 end
            if s < k then
              a:tag_entity { name = a.text:sub(toks[s].i, m.j), type = "organization",
                             i = toks[s].i, j = m.j, score = 0.7 }
            end
          end
        end
      end
    end
    -- "the League", "the Army": a bare head word after "the" is a later
    -- mention of the one organization of the article whose name holds it
    local head_of = {}
    for _, e in ipairs(a:entities()) do
      if e.type == "organization" then
        for w in e.name:gmatch("%u%l+") do
          if W.org_heads[w:lower()] then
            head_of[w] = (head_of[w] == nil or head_of[w] == e.name) and e.name or false
          end
        end
      end
    end
    for k = 2, n - 1 do
      local t, nx = toks[k], toks[k + 1]
      if head_of[t.text] and not covered[k] and toks[k - 1].text == "the" and not t.sent_start
          and not (nx.word and nx.cap) and nx.text ~= "of" then
        a:tag_entity { name = head_of[t.text], type = "organization", at = t, score = 0.5 }
        covered[k] = true
      end
    end
    for k = 1, n do
      local t = toks[k]
      if covered[k] or not t.word then
        local _ = 0
      elseif t.upper and t.text:find("^%d%u%u%u?$") then
        -- a call sign: "6PR", "3AW"
        local p = toks[k - 1]
        if p and p.text:find("^%d%d%d$") and not p.sent_start then
          -- "882 6PR": the frequency and the call sign
          a:tag_entity { name = t.text, type = "organization", i = p.i, j = t.j, score = 0.5 }
        else
          a:tag_entity { name = t.text, type = "organization", at = t, score = 0.5 }
        end
      elseif unit_number(t) and not t.sent_start and toks[k + 1] and toks[k + 1].cap and toks[k + 1].word then
        -- "Fourth Air Force", "139th Infantry": number, capitalized words, a unit head
        local e = k + 1
        while e < n and e < k + 4 and toks[e + 1].word and toks[e + 1].cap and not unit_heads[low(toks[e])] do
          e = e + 1
        end
        if unit_heads[low(toks[e])] and not covered[e] then
          a:tag_entity { name = a.text:sub(t.i, toks[e].j), type = "organization",
                         i = t.i, j = toks[e].j, score = 0.6 }
        end
      end
    end
  end,
}
