token = "pat-na1-70f92b2e-63fa-b0ed-74fd-63159322502c"
