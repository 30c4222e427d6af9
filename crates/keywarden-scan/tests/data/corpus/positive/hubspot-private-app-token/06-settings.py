token = "pat-na1-2e516e7a-4703-8623-80dc-888bbe5ea17d"
