token: ${{ secrets.TOKEN }}
