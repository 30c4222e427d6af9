value = "nfp_7qZOwoB35sa5zI0MYUHWww5CNFHxvrfZwn51"
