token = "akab-5ajyknkq8l8mjpx5-r9p9eec8jwocfbmy"
