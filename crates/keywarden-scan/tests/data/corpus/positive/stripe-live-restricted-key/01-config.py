value = "rk_live_7qZeRK9iHy2YGHix0bwQCuZG"
