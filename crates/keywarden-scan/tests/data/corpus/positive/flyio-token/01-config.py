value = "fo1_k9Q31a8B6wUpXioR4HB636OuwYczp2DXUGQhd69abGO"
